// Judging a target when it is saved (registration, PATCH), so a user hears "not allowed" at
// once instead of from a failing check. The check itself judges again at every connection:
// what a name resolves to can change, and that verdict is the one that protects.
import { bareAddress, type ForbiddenRange } from './addressPolicy.js';
import { AddressNotAllowed, resolveAllowed, urlPort } from './egressConnect.js';
import type { Egress } from './egress.js';

/**
 * Why `url` may not be reached, or null. IP literals (every spelling, normalised by URL
 * parsing) are judged as they are; a name is resolved within `timeoutMs`. A name that does not
 * resolve (or not in time) is accepted: its check will report dns_failure, or judge it then.
 */
export async function judgeTarget(url: string, egress: Pick<Egress, 'policy' | 'resolver'>, timeoutMs = 2_000): Promise<ForbiddenRange | null> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null; // the config schema reports a malformed URL
  }
  const host = bareAddress(parsed.hostname);
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => { timer = setTimeout(() => resolve('late'), timeoutMs); });
  try {
    const verdict = await Promise.race([resolveAllowed(host, urlPort(parsed), egress.policy, egress.resolver).then(() => null), late]);
    return verdict === 'late' ? null : verdict;
  } catch (err) {
    return err instanceof AddressNotAllowed ? err.range : null;
  } finally {
    clearTimeout(timer);
  }
}
