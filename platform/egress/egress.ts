// One way out: a fetch and socket options whose every connection — redirects included, since
// each hop opens its own connection — goes to an address the egress policy allows, judged on
// the resolved addresses at connect time. Built once per process (from config) and passed in.
import type { LookupFunction } from 'node:net';
import { Agent, buildConnector, fetch as undiciFetch } from 'undici';
import { egressPolicy, type EgressPolicy } from './addressPolicy.js';
import { AddressNotAllowed, guardedLookup, literalRefusal, systemResolver, type Resolver } from './egressConnect.js';

/** The global fetch's shape, so callers (and the MCP SDK) need not know undici. */
export type EgressFetch = (url: string | URL, init?: RequestInit) => Promise<Response>;

export interface Egress {
  readonly policy: EgressPolicy;
  readonly resolver: Resolver;
  fetch: EgressFetch;
  /**
   * Options for net/tls.connect or ws to hostname:port (the name stays the host, for SNI and
   * certificates): a lookup that judges what the name resolves to. Throws AddressNotAllowed
   * at once for a refused IP literal, which node would connect to without a lookup.
   */
  socketOptions(hostname: string, port: number): { lookup: LookupFunction };
  /** Closes pooled connections (a process that stops). */
  close(): Promise<void>;
}

export interface EgressOptions {
  /** EGRESS_ALLOW entries (already validated by config). */
  allow: readonly string[];
  resolver?: Resolver;
}

export function createEgress({ allow, resolver = systemResolver }: EgressOptions): Egress {
  const policy = egressPolicy(allow);
  const socketOptions = (hostname: string, port: number) => {
    const refused = literalRefusal(hostname, port, policy);
    if (refused !== null) throw new AddressNotAllowed(refused);
    return { lookup: guardedLookup(policy, resolver, port) as LookupFunction };
  };
  const agent = new Agent({
    connect: (options, callback) => {
      const port = Number(options.port) || (options.protocol === 'https:' ? 443 : 80);
      let guard;
      try {
        guard = socketOptions(options.hostname, port);
      } catch (err) {
        return callback(err as Error, null);
      }
      // A connector per connection: the lookup must know the port it judges for.
      buildConnector(guard)(options, callback);
    },
  });
  const fetch: EgressFetch = (url, init) =>
    undiciFetch(url, { ...(init as object), dispatcher: agent }) as unknown as Promise<Response>;
  return { policy, resolver, fetch, socketOptions, close: () => agent.close() };
}
