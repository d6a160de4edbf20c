// One way out: a fetch and socket options whose every connection — redirects included, since
// each hop opens its own connection — goes to an address the egress policy allows, judged on
// the resolved addresses at connect time. Built once per process (from config) and passed in.
import type { LookupFunction } from 'node:net';
import { Agent, buildConnector, fetch as undiciFetch } from 'undici';
import { egressPolicy, type EgressPolicy } from './addressPolicy.js';
import { resolveAllowed, systemResolver, type ResolvedAddress, type Resolver } from './egressConnect.js';

/** The global fetch's shape, so callers (and the MCP SDK) need not know undici. */
export type EgressFetch = (url: string | URL, init?: RequestInit) => Promise<Response>;

export interface Egress {
  readonly policy: EgressPolicy;
  readonly resolver: Resolver;
  fetch: EgressFetch;
  /**
   * Options for net/tls.connect or ws to hostname:port (the name stays the host, for SNI and
   * certificates): resolves and judges first — rejecting with AddressNotAllowed before any
   * socket exists — then hands node a lookup that answers only the judged addresses.
   */
  socketOptions(hostname: string, port: number): Promise<{ lookup: LookupFunction }>;
  /** Closes pooled connections (a process that stops). */
  close(): Promise<void>;
}

export interface EgressOptions {
  /** EGRESS_ALLOW entries (already validated by config). */
  allow: readonly string[];
  resolver?: Resolver;
}

/** node's `lookup`, answering only addresses already judged: no second resolution to rebind. */
function judgedLookup(judged: ResolvedAddress[]): LookupFunction {
  return ((_hostname: string, options: { all?: boolean; family?: number | string }, callback: (...args: unknown[]) => void) => {
    const wanted = options.family === 4 || options.family === 'IPv4' ? 4 : options.family === 6 || options.family === 'IPv6' ? 6 : 0;
    const fitting = judged.filter((a) => wanted === 0 || a.family === wanted);
    if (!fitting.length) return callback(Object.assign(new Error('no address'), { code: 'ENOTFOUND' }));
    if (options.all) callback(null, fitting);
    else callback(null, fitting[0]!.address, fitting[0]!.family);
  }) as LookupFunction;
}

export function createEgress({ allow, resolver = systemResolver }: EgressOptions): Egress {
  const policy = egressPolicy(allow);
  const socketOptions = async (hostname: string, port: number) =>
    ({ lookup: judgedLookup(await resolveAllowed(hostname, port, policy, resolver)) });
  const agent = new Agent({
    connect: (options, callback) => {
      const port = Number(options.port) || (options.protocol === 'https:' ? 443 : 80);
      // A connector per connection, made once the addresses are judged (IP literals included:
      // node connects to those without asking the lookup, after they passed the judge here).
      socketOptions(options.hostname, port).then(
        (guard) => buildConnector(guard)(options, callback),
        (err: Error) => callback(err, null),
      );
    },
  });
  const fetch: EgressFetch = (url, init) =>
    undiciFetch(url, { ...(init as object), dispatcher: agent }) as unknown as Promise<Response>;
  return { policy, resolver, fetch, socketOptions, close: () => agent.close() };
}
