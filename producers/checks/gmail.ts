// Gmail: the token is alive with read access, the mailbox answers, and how much quota is left.
import { z } from 'zod';
import type { CheckContext, CheckObservation, ProviderCheck } from './provider.js';
import { googleGet, googleTokenStep, requireCredentials, runSteps } from './providerHttp.js';
import type { QuotaUsage } from '../../schemas/types.generated.js';

const requiredScopes = ['https://www.googleapis.com/auth/gmail.readonly'];

// `email` is only a label for people telling mailboxes apart; the check reads whichever mailbox the token belongs to.
export const gmailConfigSchema = z.object({ email: z.email().max(320).optional() }).strict();
export type GmailConfig = z.infer<typeof gmailConfigSchema>;

function quotaFrom(headers: Headers): QuotaUsage | null {
  const limit = headers.get('x-ratelimit-limit');
  const remaining = headers.get('x-ratelimit-remaining');
  if (limit === null || remaining === null || !/^\d+$/.test(limit.trim()) || !/^\d+$/.test(remaining.trim())) return null;
  return { used: Math.max(0, Number(limit) - Number(remaining)), limit: Number(limit) };
}

async function check(_config: GmailConfig, ctx: CheckContext): Promise<CheckObservation> {
  return runSteps(ctx, async (steps) => {
    const { accessToken } = requireCredentials(ctx);
    await googleTokenStep(ctx, steps, accessToken, requiredScopes);
    const { res } = await steps.step('messages_list',
      () => googleGet(ctx, steps, '/gmail/v1/users/me/messages?maxResults=1', 'messages.list', accessToken),
      ({ res }) => `HTTP ${res.status}`);
    // Only reported when the API says; no headers is not a failure.
    const quota = quotaFrom(res.headers);
    if (quota) steps.quota = await steps.step('quota', async () => quota, (q) => `${q.limit - q.used} of ${q.limit} requests left`);
  });
}

export const gmailCheck: ProviderCheck<GmailConfig> = {
  provider: 'gmail',
  configSchema: gmailConfigSchema,
  oauth: { issuer: 'google', requiredScopes },
  check,
};
