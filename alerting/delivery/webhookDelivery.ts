// Delivering one webhook message: signed per attempt, retried with backoff while a retry
// can help, and summed up as one result the notifier records. The webhook-id stays the same
// on every attempt, so a receiver that got an attempt we think failed can dedupe the next.
import { backoffDelayMs, parseRetryAfter } from './backoff.js';
import { egressPolicy, systemResolver, type Resolver } from '../../platform/egress/index.js';
import { secretKey, webhookHeaders } from './signature.js';
import { postOnce, type Exchange } from './webhookAttempt.js';
import { parseWebhookUrl } from './webhookUrl.js';

export interface WebhookTarget {
  url: string;
  /** `whsec_…` */
  secret: string;
}

export interface WebhookMessage {
  /** Stable per message (e.g. the alert transition's id): the webhook-id receivers dedupe on. */
  id: string;
  /** Serialised with JSON.stringify once; every attempt sends the same bytes. */
  body: unknown;
}

export interface WebhookDeliveryOptions {
  /** Per attempt, everything included. */
  timeoutMs: number;
  /** Attempts in all, the first included. */
  maxAttempts: number;
  retryBaseMs: number;
  /** Longest wait between attempts, Retry-After included (default 60 s). */
  retryCapMs?: number;
  /** The egress allow-list (EGRESS_ALLOW): CIDRs, IPs or host names, optionally with :port, reachable although private. */
  allowPrivate: readonly string[];
  resolver?: Resolver;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

export type WebhookDeliveryResult =
  | { outcome: 'sent'; status: number; attempts: number }
  | { outcome: 'failed'; reason: string; status: number | null; attempts: number; disable: boolean };

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

type Verdict =
  | { kind: 'sent'; status: number }
  | { kind: 'retry'; reason: string; status: number | null; retryAfterMs: number | null }
  | { kind: 'stop'; reason: string; status: number | null; disable: boolean };

function judge(exchange: Exchange, nowMs: number): Verdict {
  if (exchange.kind === 'error') {
    return exchange.retryable
      ? { kind: 'retry', reason: exchange.reason, status: null, retryAfterMs: null }
      : { kind: 'stop', reason: exchange.reason, status: null, disable: false };
  }
  const { status } = exchange;
  if (status >= 200 && status < 300) return { kind: 'sent', status };
  if (status === 410) return { kind: 'stop', reason: 'HTTP 410: the receiver asked to stop deliveries', status, disable: true };
  if (status >= 300 && status < 400) return { kind: 'stop', reason: `HTTP ${status}: redirects are not followed`, status, disable: false };
  if (status === 408 || status === 429 || status >= 500) {
    return { kind: 'retry', reason: `HTTP ${status}`, status, retryAfterMs: parseRetryAfter(exchange.retryAfter, nowMs) };
  }
  return { kind: 'stop', reason: `HTTP ${status}`, status, disable: false };
}

const failed = (reason: string, status: number | null, attempts: number, disable = false): WebhookDeliveryResult =>
  ({ outcome: 'failed', reason, status, attempts, disable });

export async function deliverWebhook(target: WebhookTarget, message: WebhookMessage, options: WebhookDeliveryOptions): Promise<WebhookDeliveryResult> {
  const { now = Date.now, sleep = defaultSleep, random = Math.random, resolver = systemResolver } = options;
  const policy = egressPolicy(options.allowPrivate);
  const parsed = parseWebhookUrl(target.url);
  if (!parsed.ok) return failed(parsed.reason, null, 0);
  try {
    secretKey(target.secret);
  } catch {
    return failed('invalid webhook secret', null, 0);
  }
  // Header values cannot carry control characters; the id is ours, so this is a bug upstream.
  if (!/^[\x21-\x7e]{1,256}$/.test(message.id)) return failed('invalid message id', null, 0);
  const body = JSON.stringify(message.body) ?? 'null';
  const backoff = { baseMs: options.retryBaseMs, capMs: options.retryCapMs ?? 60_000 };

  for (let attempt = 1; ; attempt++) {
    const headers = webhookHeaders({ id: message.id, timestamp: Math.floor(now() / 1000), body, secret: target.secret });
    const exchange = await postOnce(parsed.url, headers, body, { policy, resolver, timeoutMs: options.timeoutMs });
    const verdict = judge(exchange, now());
    if (verdict.kind === 'sent') return { outcome: 'sent', status: verdict.status, attempts: attempt };
    if (verdict.kind === 'stop') return failed(verdict.reason, verdict.status, attempt, verdict.disable);
    if (attempt >= options.maxAttempts) return failed(verdict.reason, verdict.status, attempt);
    await sleep(backoffDelayMs(attempt, backoff, random, verdict.retryAfterMs));
  }
}
