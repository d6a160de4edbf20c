// What an admin may save: alert rules and suppressions, validated with messages that say what
// to fix, plus the rules Pulse starts with. Objects are strict, so a misspelt field is a 400
// rather than a setting that silently does nothing.
import { z } from 'zod';
import { providerLabels } from './describe.js';
import { DAY, strict, WEEK, whole } from './kinds/fields.js';
import { kindOf, ruleKinds } from './kinds/index.js';
import type { AlertRule, ChannelRef, Suppression } from './types.js';

const providers = Object.keys(providerLabels) as [string, ...string[]];

const defaultSlug = /^default-[a-z0-9]+(?:-[a-z0-9]+)*$/;
const isUuid = (v: string) => z.uuid().safeParse(v).success;
const ruleId = z.string({ error: 'must be a string' }).refine((v) => isUuid(v) || defaultSlug.test(v), 'must be a UUID or a default-… id');
const provider = z.enum(providers, { error: `must be one of: ${providers.join(', ')}` });

const channel = z.discriminatedUnion(
  'type',
  [
    strict({
      type: z.literal('email'),
      to: z.array(z.email({ error: 'must be an email address' }), { error: 'must be a list of email addresses' }).min(1, 'must list at least one email address').max(50, 'must list at most 50 email addresses'),
    }),
    strict({ type: z.literal('webhook'), webhookId: z.uuid({ error: 'must be a webhook id (UUID)' }) }),
  ],
  { error: 'must be an email or webhook channel ({type: "email", to: [...]} or {type: "webhook", webhookId})' },
);
const channels = z.array(channel, { error: 'must be a list of channels' }).max(20, 'must have at most 20 channels');

function ruleVariant(kind: (typeof ruleKinds)[number]) {
  return strict({
    name: z.string({ error: 'must be a string' }).trim().min(1, 'must not be empty').max(100, 'must be at most 100 characters'),
    kind: z.literal(kind.id),
    params: kind.params as z.ZodType<Record<string, number>>,
    enabled: z.boolean({ error: 'must be true or false' }),
    severity: z.enum(['warning', 'critical'], { error: 'must be warning or critical' }),
    provider: provider.nullable(),
    cooldownSeconds: whole(0, WEEK, ' seconds'),
    escalateAfterSeconds: whole(60, 30 * DAY, ' seconds').nullable(),
    channels,
    escalationChannels: channels,
    notifyOwner: z.boolean({ error: 'must be true or false' }),
  });
}

const variants = ruleKinds.map(ruleVariant) as [ReturnType<typeof ruleVariant>, ...ReturnType<typeof ruleVariant>[]];

const kindError = { error: `must be one of: ${ruleKinds.map((k) => k.id).join(', ')}` };

const ownerOnlyForIntegrations = (rule: { kind: string; notifyOwner: boolean }, ctx: z.RefinementCtx) => {
  if (rule.notifyOwner && kindOf(rule.kind).scope !== 'integration') ctx.addIssue({ code: 'custom', path: ['notifyOwner'], message: 'only rules about one integration can notify its owner' });
};

/** What an admin POSTs: a rule without its id (the API assigns one). */
export const alertRuleInputSchema = z.discriminatedUnion('kind', variants, kindError).superRefine(ownerOnlyForIntegrations);

/** A stored rule: a UUID, or `default-…` for the rules Pulse creates itself. */
export const alertRuleSchema = z
  .discriminatedUnion('kind', variants.map((v) => v.extend({ id: ruleId })) as unknown as typeof variants, kindError)
  .superRefine(ownerOnlyForIntegrations) as unknown as z.ZodType<AlertRule>;

export type AlertRuleInput = Omit<AlertRule, 'id'>;

const suppressionFields = {
  ruleId: ruleId.nullable(),
  provider: provider.nullable(),
  integrationId: z.uuid({ error: 'must be an integration id (UUID)' }).nullable(),
  startsAt: whole(0, 8.64e15, ' (ms since 1970)').nullable(),
  endsAt: whole(0, 8.64e15, ' (ms since 1970)'),
  reason: z.string({ error: 'must be a string' }).trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters'),
};

const suppressionChecks = (s: Omit<Suppression, 'id'>, ctx: z.RefinementCtx) => {
  if (s.ruleId === null && s.provider === null && s.integrationId === null) {
    ctx.addIssue({ code: 'custom', path: ['ruleId'], message: 'name a rule, a provider or an integration to mute (at least one of ruleId, provider, integrationId)' });
  }
  if (s.startsAt !== null && s.endsAt <= s.startsAt) ctx.addIssue({ code: 'custom', path: ['endsAt'], message: 'must be after startsAt' });
};

export const suppressionInputSchema = strict(suppressionFields).superRefine(suppressionChecks);

export const suppressionSchema = strict({ id: z.uuid({ error: 'must be a UUID' }), ...suppressionFields }).superRefine(suppressionChecks) as unknown as z.ZodType<Suppression>;

/** The rules Pulse creates on first start; fixed ids, so creating them twice changes nothing. */
export function defaultRules(adminEmails: string[]): AlertRule[] {
  const admins: ChannelRef[] = adminEmails.length ? [{ type: 'email', to: [...adminEmails] }] : [];
  const common = { enabled: true, provider: null, cooldownSeconds: 600, escalateAfterSeconds: null, channels: admins, escalationChannels: admins, notifyOwner: false };
  return [
    { ...common, id: 'default-integration-red', name: 'Integration is red', kind: 'integration_red', params: {}, severity: 'critical', escalateAfterSeconds: 1800, notifyOwner: true },
    { ...common, id: 'default-consecutive-failures', name: '5 failed checks in a row', kind: 'consecutive_failures', params: { failures: 5 }, severity: 'warning' },
    {
      ...common,
      id: 'default-provider-failure-rate',
      name: 'Provider failure rate above 20 %',
      kind: 'provider_failure_rate',
      params: { windowSeconds: 900, thresholdPercent: 20, minSample: 20 },
      severity: 'critical',
    },
    {
      ...common,
      id: 'default-provider-latency-p95',
      name: 'Provider p95 latency above 3 s',
      kind: 'provider_latency_p95',
      params: { windowSeconds: 900, thresholdMs: 3000, minSample: 20 },
      severity: 'warning',
    },
    { ...common, id: 'default-reauth-required', name: 'Integration must be reconnected', kind: 'reauth_required', params: {}, severity: 'warning', notifyOwner: true },
    { ...common, id: 'default-check-stalled', name: 'Integration not checked', kind: 'check_stalled', params: { afterSeconds: 900 }, severity: 'critical' },
    {
      ...common,
      id: 'default-provider-incident',
      name: 'Provider incident',
      kind: 'provider_incident',
      params: { windowSeconds: 600, minIntegrations: 5, minUsers: 3, failurePercent: 50 },
      severity: 'critical',
    },
  ];
}
