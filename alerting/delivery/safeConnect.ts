// Connecting only where the address policy allows, judged at connect time: the address that
// is checked is the address node connects to, so a DNS answer that changes between a check and
// the connection (DNS rebinding) cannot slip a private address through.
import { lookup as dnsLookup } from 'node:dns/promises';
import type { RequestOptions } from 'node:http';
import { isIP } from 'node:net';
import { bareAddress, type AddressPolicy, type ForbiddenRange } from './addressPolicy.js';

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

type LookupFunction = NonNullable<RequestOptions['lookup']>;

/**
 * The `lookup` for http(s).request. Refuses when any resolved address is forbidden (a
 * mixed answer is not worth guessing about), and hands node exactly one checked address, so
 * node cannot fall back to another address that nobody looked at.
 */
export function guardedLookup(policy: AddressPolicy, resolver: Resolver): LookupFunction {
  return (hostname, options, callback) => {
    const wanted = options.family === 4 || options.family === 'IPv4' ? 4 : options.family === 6 || options.family === 'IPv6' ? 6 : 0;
    resolver(hostname).then(
      (addresses) => {
        const candidates = addresses.filter((a) => wanted === 0 || a.family === wanted);
        for (const { address } of candidates) {
          const range = policy.forbids(hostname, address);
          if (range !== null) return callback(new AddressNotAllowed(range), '', 0);
        }
        const chosen = candidates[0];
        if (!chosen) return callback(Object.assign(new Error('no address'), { code: 'ENOTFOUND' }), '', 0);
        if (options.all) callback(null, [chosen]);
        else callback(null, chosen.address, chosen.family);
      },
      (err: NodeJS.ErrnoException) => callback(err, '', 0),
    );
  };
}

/**
 * Node connects to an IP-literal host without calling `lookup`, so a literal is judged here,
 * before any connection. URL parsing has already turned 2130706433, 0177.0.0.1 and 0x7f.1 into
 * 127.0.0.1, and [::ffff:127.0.0.1] into [::ffff:7f00:1].
 */
export function literalRefusal(hostname: string, policy: AddressPolicy): ForbiddenRange | null {
  const ip = bareAddress(hostname);
  return isIP(ip) === 0 ? null : policy.forbids(hostname, ip);
}
