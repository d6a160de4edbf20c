// Connecting only where the egress policy allows, judged at connect time: the address that is
// checked is the address that is connected to, so a DNS answer that changes between a check and
// the connection (DNS rebinding) cannot slip a private address through.
import { lookup as dnsLookup } from 'node:dns/promises';
import type { RequestOptions } from 'node:http';
import { isIP } from 'node:net';
import { bareAddress, type EgressPolicy, type ForbiddenRange } from './addressPolicy.js';

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Host name → addresses. Injected by tests; the default asks the system resolver, like node does. */
export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

export const systemResolver: Resolver = async (hostname) =>
  (await dnsLookup(hostname, { all: true, verbatim: true })).map(({ address, family }) => ({ address, family: family === 6 ? 6 : 4 }));

export class AddressNotAllowed extends Error {
  readonly code = 'EADDRNOTALLOWED';
  constructor(readonly range: ForbiddenRange) {
    super(`address not allowed: ${range}`);
  }
}

/** The port a URL connects to. */
export const urlPort = (url: URL) => Number(url.port || (url.protocol === 'https:' || url.protocol === 'wss:' ? 443 : 80));

/**
 * Node connects to an IP-literal host without calling `lookup`, so a literal is judged here,
 * before any connection. URL parsing has already turned 2130706433, 0177.0.0.1 and 0x7f.1 into
 * 127.0.0.1, and [::ffff:127.0.0.1] into [::ffff:7f00:1].
 */
export function literalRefusal(hostname: string, port: number, policy: EgressPolicy): ForbiddenRange | null {
  const ip = bareAddress(hostname);
  return isIP(ip) === 0 ? null : policy.forbids(hostname, ip, port);
}

/**
 * The addresses to connect to for `hostname:port`, every one judged. Refuses when any resolved
 * address is forbidden (a mixed answer is not worth guessing about). The connection is made to
 * these addresses only, so nothing can fall back to an address that nobody looked at.
 */
export async function resolveAllowed(hostname: string, port: number, policy: EgressPolicy, resolver: Resolver, family: 0 | 4 | 6 = 0): Promise<ResolvedAddress[]> {
  const ip = bareAddress(hostname);
  const literal = isIP(ip);
  const addresses: ResolvedAddress[] = literal ? [{ address: ip, family: literal as 4 | 6 }] : await resolver(ip);
  const candidates = addresses.filter((a) => family === 0 || a.family === family);
  for (const { address } of candidates) {
    const range = policy.forbids(hostname, address, port);
    if (range !== null) throw new AddressNotAllowed(range);
  }
  if (!candidates.length) throw Object.assign(new Error('no address'), { code: 'ENOTFOUND' });
  return candidates;
}

type LookupFunction = NonNullable<RequestOptions['lookup']>;

/**
 * The `lookup` for net/tls.connect, http(s).request and ws: resolveAllowed in node's callback
 * shape. Node skips `lookup` for an IP-literal host: judge those with literalRefusal first.
 */
export function guardedLookup(policy: EgressPolicy, resolver: Resolver, port: number): LookupFunction {
  return (hostname, options, callback) => {
    const wanted = options.family === 4 || options.family === 'IPv4' ? 4 : options.family === 6 || options.family === 'IPv6' ? 6 : 0;
    resolveAllowed(hostname, port, policy, resolver, wanted).then(
      // Several judged addresses let node try the next family when one does not answer.
      (judged) => (options.all ? callback(null, judged) : callback(null, judged[0]!.address, judged[0]!.family)),
      (err: NodeJS.ErrnoException) => callback(err, '', 0),
    );
  };
}
