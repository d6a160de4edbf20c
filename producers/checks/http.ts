// Generic HTTP check: request the URL, compare the status, optionally look for text in the body.
import tls from 'node:tls';
import { isIP } from 'node:net';
import { z } from 'zod';
import { bareAddress, urlPort, type Egress } from '../../platform/egress/index.js';
import { networkError } from './providerHttp.js';
import { failedAt, type CheckContext, type CheckObservation, type ProviderCheck } from './provider.js';
import type { CheckError, CheckStep } from '../../schemas/types.generated.js';

// Header names that carry credentials. Credentials belong in the encrypted credentials
// store, never in integration config (which travels in events), so the API refuses them.
const secretHeader = /^(authorization|proxy-authorization|cookie|x-api-key|api-key|x-auth-token|x-access-token)$/i;

export const httpConfigSchema = z.object({
  url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
    .refine((u) => !URL.canParse(u) || (!new URL(u).username && !new URL(u).password), 'must not contain a user name or password'),
  method: z.enum(['GET', 'HEAD', 'POST']).default('GET'),
  expectedStatus: z.number().int().min(100).max(599).default(200),
  bodyContains: z.string().min(1).max(1000).optional(),
  headers: z.record(z.string().regex(/^[A-Za-z0-9-]+$/, 'invalid header name'), z.string().max(1000))
    .refine((h) => !Object.keys(h).some((k) => secretHeader.test(k)), 'must not contain credentials (Authorization, Cookie, API keys)')
    .optional(),
}).strict();

export type HttpCheckConfig = z.infer<typeof httpConfigSchema>;

function statusError(status: number, expected: number, retryAfter: string | null): CheckError {
  const message = `HTTP ${status}, expected ${expected}`;
  if (status === 401) return { code: 'unauthorized', message, retryAfterSeconds: null };
  if (status === 403) return { code: 'forbidden', message, retryAfterSeconds: null };
  if (status === 429) {
    const seconds = retryAfter !== null && /^\d+$/.test(retryAfter) ? Number(retryAfter) : null;
    return { code: 'rate_limited', message, retryAfterSeconds: seconds };
  }
  if (status >= 500) return { code: 'server_error', message, retryAfterSeconds: null };
  return { code: 'unexpected_status', message, retryAfterSeconds: null };
}

/**
 * Epoch ms when the server's certificate expires, over a separate short connection judged by
 * the egress policy (the request after it is judged again).
 */
async function certificateValidTo(url: URL, signal: AbortSignal, egress: Egress): Promise<number> {
  const host = bareAddress(url.hostname);
  const port = urlPort(url);
  const guard = await egress.socketOptions(host, port);
  signal.throwIfAborted();
  return new Promise((resolve, reject) => {
    // Not verifying here on purpose: this step only reads the expiry date (the request verifies
    // trust), and an expired certificate must still be readable to report it as expired.
    const socket = tls.connect({ host, port, servername: isIP(host) ? undefined : host, rejectUnauthorized: false, ...guard });
    const onAbort = () => socket.destroy();
    signal.addEventListener('abort', onAbort, { once: true });
    const done = (fn: () => void) => { signal.removeEventListener('abort', onAbort); socket.destroy(); fn(); };
    socket.once('secureConnect', () => {
      const validTo = Date.parse(socket.getPeerCertificate().valid_to ?? '');
      done(() => (Number.isNaN(validTo) ? reject(Object.assign(new Error('no certificate'), { code: 'ERR_TLS_NO_CERT' })) : resolve(validTo)));
    });
    socket.once('error', (err) => done(() => reject(err)));
    socket.once('close', () => done(() => reject(Object.assign(new Error('closed'), { code: 'ECONNRESET' }))));
  });
}

async function check(config: HttpCheckConfig, ctx: CheckContext): Promise<CheckObservation> {
  const steps: CheckStep[] = [];
  let t = ctx.elapsed();
  let res: Response;
  const url = new URL(config.url);
  if (url.protocol === 'https:') {
    let validTo: number;
    try {
      validTo = await certificateValidTo(url, ctx.signal, ctx.network.targets);
    } catch (err) {
      return failedAt(steps, 'tls', t, ctx, networkError(err, ctx.signal));
    }
    // Days left is a fact for the event; whether that is "soon" is for the status rules to judge.
    const days = Math.floor((validTo - Date.now()) / 86_400_000);
    if (validTo <= Date.now()) {
      return failedAt(steps, 'tls', t, ctx, { code: 'tls_error', message: `certificate expired ${-days} days ago`, retryAfterSeconds: null });
    }
    steps.push({ name: 'tls', durationMs: Math.round(ctx.elapsed() - t), outcome: 'succeeded', detail: `certificate expires in ${days} days` });
    t = ctx.elapsed();
  }
  try {
    res = await ctx.network.targets.fetch(config.url, { method: config.method, headers: config.headers, redirect: 'manual', signal: ctx.signal });
  } catch (err) {
    return failedAt(steps, 'request', t, ctx, networkError(err, ctx.signal));
  }
  steps.push({ name: 'request', durationMs: Math.round(ctx.elapsed() - t), outcome: 'succeeded', detail: `HTTP ${res.status}` });

  t = ctx.elapsed();
  if (res.status !== config.expectedStatus) {
    await res.body?.cancel().catch(() => undefined);
    return failedAt(steps, 'status', t, ctx, statusError(res.status, config.expectedStatus, res.headers.get('retry-after')), res.status);
  }
  steps.push({ name: 'status', durationMs: 0, outcome: 'succeeded', detail: null });

  if (config.bodyContains !== undefined) {
    t = ctx.elapsed();
    let body: string;
    try {
      body = await res.text();
    } catch (err) {
      return failedAt(steps, 'body_match', t, ctx, networkError(err, ctx.signal), res.status);
    }
    // The response body is never copied into the event: it may hold user data.
    if (!body.includes(config.bodyContains)) {
      return failedAt(steps, 'body_match', t, ctx, { code: 'body_mismatch', message: 'expected text not found in the response', retryAfterSeconds: null }, res.status);
    }
    steps.push({ name: 'body_match', durationMs: Math.round(ctx.elapsed() - t), outcome: 'succeeded', detail: null });
  } else {
    await res.body?.cancel().catch(() => undefined);
  }
  return { outcome: 'succeeded', steps, httpStatus: res.status, error: null, quota: null };
}

export const httpCheck: ProviderCheck<HttpCheckConfig> = { provider: 'http', configSchema: httpConfigSchema, target: (c) => c.url, check };
