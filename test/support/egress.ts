// Tests open exactly what they use: the origins (host:port) of their local targets, never the
// loopback range, so everything else stays refused as in production.
import { createEgress, originEntry, type Resolver } from '../../platform/egress/index.js';
import type { CheckNetwork } from '../../producers/checks/provider.js';

/** EGRESS_ALLOW for these URLs' origins (http://127.0.0.1:4010/x → 127.0.0.1:4010). */
export const reachEntries = (urls: readonly string[]): string => urls.map(originEntry).join(',');

/** A check's network that may reach exactly these URLs' origins besides public addresses. */
export function openTo(urls: readonly string[], resolver?: Resolver): CheckNetwork {
  const egress = createEgress({ allow: urls.map(originEntry), resolver });
  return { targets: egress, providers: egress };
}
