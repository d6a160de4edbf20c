// Runs Pulse's roles in-process against the test stack, plus small HTTP helpers.
import { issueUserToken } from '../../api/auth.js';
import { startAlerting, startApi, startProjectors, startWorker, type Stoppable } from '../../cli/roles.js';
import { loadConfig } from '../../platform/config.js';
import { createRuntime, type Runtime } from '../../platform/runtime.js';
import { reachEntries } from './egress.js';

export interface RunningPulse {
  rt: Runtime;
  apiUrl: string;
  tokenFor(userId: string): string;
  api(method: string, path: string, opts?: { token?: string; body?: unknown; headers?: Record<string, string> }): Promise<ApiResponse>;
  stop(): Promise<void>;
}

export interface ApiResponse {
  status: number;
  body: any;
  text: string;
  location: string | null;
  headers: Headers;
}

export interface StartOptions {
  roles?: ('api' | 'worker' | 'projectors' | 'alerts')[];
  /** Capture logs (e.g. to scan them for secrets) at this level instead of the configured one. */
  logs?: { destination: NodeJS.WritableStream; level: string };
  /** Settings for this instance on top of the test run's (e.g. provider URLs of a simulator). */
  overrides?: Record<string, string>;
  /**
   * Local targets this instance's checks (and webhooks) may reach: exactly their host:port is
   * added to EGRESS_ALLOW, as a deployment would open what it monitors. Everything else private stays refused.
   */
  reach?: string[];
}

/** The overrides plus EGRESS_ALLOW for `reach` (merged with any EGRESS_ALLOW already there). */
export function withReach(overrides: Record<string, string> = {}, reach: readonly string[] = []): Record<string, string> {
  if (!reach.length) return overrides;
  return { ...overrides, EGRESS_ALLOW: [overrides.EGRESS_ALLOW, reachEntries(reach)].filter(Boolean).join(',') };
}

export async function startPulse(opts: StartOptions = {}): Promise<RunningPulse> {
  const roles = opts.roles ?? ['projectors', 'worker', 'api'];
  const config = loadConfig(undefined, withReach(opts.overrides, opts.reach));
  if (opts.logs) config.logLevel = opts.logs.level as typeof config.logLevel;
  const rt = createRuntime(config, 'pulse-test', opts.logs?.destination as never);
  const started: Stoppable[] = [];
  let apiUrl = '';
  if (roles.includes('projectors')) started.push(await startProjectors(rt));
  if (roles.includes('worker')) started.push(await startWorker(rt));
  if (roles.includes('alerts')) started.push(await startAlerting(rt));
  if (roles.includes('api')) {
    const api = await startApi(rt);
    apiUrl = api.url;
    started.push(api);
  }
  return {
    rt,
    apiUrl,
    tokenFor: (userId) => issueUserToken(rt.config.auth.jwtSecret, userId),
    async api(method, path, { token, body, headers } = {}) {
      const res = await fetch(apiUrl + path, {
        method,
        headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
        body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
        redirect: 'manual',
      });
      const text = await res.text();
      let parsed: unknown = undefined;
      try { parsed = JSON.parse(text); } catch { /* not JSON */ }
      return { status: res.status, body: parsed, text, location: res.headers.get('location'), headers: res.headers };
    },
    async stop() {
      for (const r of started.reverse()) await r.stop();
      await rt.close();
    },
  };
}

export { eventually } from './signals.js';
