// One way out: a fetch and a resolver whose every connection — redirects included, since each
// hop opens its own connection — goes to an address the egress policy allows, judged on the
// resolved address at connect time. Built once per process (from config) and passed in.
import { Agent, buildConnector, fetch as undiciFetch } from 'undici';
import { egressPolicy, type EgressPolicy } from './addressPolicy.js';
import { resolveAllowed, systemResolver, type ResolvedAddress, type Resolver } from './egressConnect.js';

/** The global fetch's shape, so callers (and the MCP SDK) need not know undici. */
export type EgressFetch = (url: string | URL, init?: RequestInit) => Promise<Response>;

export interface Egress {
  readonly policy: EgressPolicy;
  readonly resolver: Resolver;
  fetch: EgressFetch;
  /** The one allowed address to connect to for hostname:port, or AddressNotAllowed. */
  resolve(hostname: string, port: number): Promise<ResolvedAddress>;
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
  const resolve = (hostname: string, port: number) => resolveAllowed(hostname, port, policy, resolver);
  const direct = buildConnector({});
  const agent = new Agent({
    connect: (options, callback) => {
      const port = Number(options.port) || (options.protocol === 'https:' ? 443 : 80);
      // `host` keeps the name, so TLS still sends it as SNI and verifies the certificate for it.
      resolve(options.hostname, port).then(
        ({ address }) => direct({ ...options, hostname: address }, callback),
        (err: Error) => callback(err, null),
      );
    },
  });
  const fetch: EgressFetch = (url, init) =>
    undiciFetch(url, { ...(init as object), dispatcher: agent }) as unknown as Promise<Response>;
  return { policy, resolver, fetch, resolve, close: () => agent.close() };
}
