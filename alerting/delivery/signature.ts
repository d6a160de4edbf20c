// Standard Webhooks (https://www.standardwebhooks.com) signing: an HMAC-SHA256 over
// `${id}.${timestamp}.${body}`, keyed by the base64-decoded secret. The id lets a receiver
// dedupe retries; the timestamp, checked against a tolerance, makes captured requests useless later.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

const prefix = 'whsec_';
const minSecretBytes = 24;
const maxSecretBytes = 64;

export interface SignInput {
  /** The webhook-id: the same on every attempt of one message. */
  id: string;
  /** Unix seconds of this attempt. */
  timestamp: number;
  /** The exact bytes sent, as a string. */
  body: string;
  /** `whsec_` + base64 of 24–64 random bytes. */
  secret: string;
}

export function newWebhookSecret(random: (size: number) => Buffer = randomBytes): string {
  return prefix + random(32).toString('base64');
}

/** The secret's key bytes; throws for a secret that is not base64 of 24–64 bytes (so never signs with a weak key). */
export function secretKey(secret: string): Buffer {
  const encoded = secret.startsWith(prefix) ? secret.slice(prefix.length) : secret;
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded) || encoded.length % 4 !== 0) throw new Error('webhook secret is not base64');
  const key = Buffer.from(encoded, 'base64');
  if (key.length < minSecretBytes || key.length > maxSecretBytes) throw new Error(`webhook secret must be ${minSecretBytes}–${maxSecretBytes} bytes`);
  return key;
}

const digest = (key: Buffer, { id, timestamp, body }: Omit<SignInput, 'secret'>) =>
  createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest();

export function signWebhook(input: SignInput): string {
  return `v1,${digest(secretKey(input.secret), input).toString('base64')}`;
}

export function webhookHeaders(input: SignInput): Record<string, string> {
  return {
    'content-type': 'application/json',
    'webhook-id': input.id,
    'webhook-timestamp': String(input.timestamp),
    'webhook-signature': signWebhook(input),
  };
}

export type VerifyResult = { ok: true } | { ok: false; reason: 'missing headers' | 'bad timestamp' | 'stale timestamp' | 'bad signature' };

export interface VerifyOptions {
  toleranceSeconds?: number;
  /** Milliseconds since the epoch. */
  now?: () => number;
}

type HeaderBag = Record<string, string | string[] | undefined> | { get(name: string): string | null };

function header(headers: HeaderBag, name: string): string | undefined {
  if (typeof headers.get === 'function') return (headers as { get(name: string): string | null }).get(name) ?? undefined;
  const bag = headers as Record<string, string | string[] | undefined>;
  const key = Object.keys(bag).find((k) => k.toLowerCase() === name);
  const value = key === undefined ? undefined : bag[key];
  return Array.isArray(value) ? value.join(' ') : value;
}

/**
 * What a receiver does with a delivery: checks the timestamp is within the tolerance (either
 * way, so a clock running ahead cannot mint long-lived requests) and that one of the
 * space-separated `v1,` signatures matches, compared in constant time.
 */
export function verifyWebhook(headers: HeaderBag, body: string, secret: string, options: VerifyOptions = {}): VerifyResult {
  const { toleranceSeconds = 300, now = Date.now } = options;
  const id = header(headers, 'webhook-id');
  const timestamp = header(headers, 'webhook-timestamp');
  const signatures = header(headers, 'webhook-signature');
  if (!id || !timestamp || !signatures) return { ok: false, reason: 'missing headers' };
  if (!/^\d{1,15}$/.test(timestamp)) return { ok: false, reason: 'bad timestamp' };
  if (Math.abs(now() / 1000 - Number(timestamp)) > toleranceSeconds) return { ok: false, reason: 'stale timestamp' };
  const expected = digest(secretKey(secret), { id, timestamp: Number(timestamp), body });
  for (const candidate of signatures.split(' ')) {
    const [version, encoded] = candidate.split(',', 2);
    if (version !== 'v1' || !encoded) continue;
    const given = Buffer.from(encoded, 'base64');
    if (given.length === expected.length && timingSafeEqual(given, expected)) return { ok: true };
  }
  return { ok: false, reason: 'bad signature' };
}
