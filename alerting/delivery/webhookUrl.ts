// What a webhook URL may be. Credentials in a URL would travel in events and logs (the secret
// is for that), and other schemes have no business here. Reasons never repeat the URL.
import { egressPolicy, literalRefusal, urlPort } from '../../platform/egress/index.js';

export type WebhookUrlCheck = { ok: true; url: URL } | { ok: false; reason: string };

export function parseWebhookUrl(raw: string): WebhookUrlCheck {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, reason: 'invalid URL' };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { ok: false, reason: 'only http and https URLs are allowed' };
  if (url.username || url.password) return { ok: false, reason: 'URLs with credentials are not allowed' };
  if (!url.hostname) return { ok: false, reason: 'invalid URL' };
  return { ok: true, url };
}

/**
 * For whoever saves a webhook: the URL's shape, and its host when that is an IP literal. A host
 * name is judged again at every delivery, since what it resolves to can change.
 */
export function checkWebhookUrl(raw: string, allowPrivate: readonly string[]): WebhookUrlCheck {
  const parsed = parseWebhookUrl(raw);
  if (!parsed.ok) return parsed;
  const range = literalRefusal(parsed.url.hostname, urlPort(parsed.url), egressPolicy(allowPrivate));
  return range === null ? parsed : { ok: false, reason: `address not allowed: ${range}` };
}
