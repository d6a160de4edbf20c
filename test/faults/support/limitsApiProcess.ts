// An API process of its own (`pulse api` as a child process) for the shared-limits suite: its
// URL read from its 'API listening' line, and plain HTTP calls to it. Several of them on one
// database are several API instances behind a load balancer, with nothing shared in memory.
import { kill, startPulseProcess, type PulseProcess } from '../../support/processes.js';
import type { ApiResponse } from '../../support/pulse.js';

export interface ApiProcess {
  name: string;
  url: string;
  call(method: string, path: string, opts?: { token?: string; body?: unknown }): Promise<ApiResponse>;
  stop(): Promise<void>;
}

/** Starts `pulse api` on a port of its own with `env` (the suite's environment) and waits until it listens. */
export async function startApiProcess(name: string, env: Record<string, string>): Promise<ApiProcess> {
  const proc: PulseProcess = startPulseProcess(['api'], { ...env, API_PORT: '0', LOG_LEVEL: 'info' });
  let url: string;
  try {
    url = String((await proc.logged((line) => line.msg === 'API listening', 120_000)).url);
  } catch (err) {
    await kill(proc);
    throw err;
  }
  return {
    name,
    url,
    async call(method, path, { token, body } = {}) {
      const res = await fetch(url + path, {
        method,
        headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
        body: body === undefined ? undefined : JSON.stringify(body),
        redirect: 'manual',
      });
      const text = await res.text();
      let parsed: unknown;
      try { parsed = JSON.parse(text); } catch { /* not JSON */ }
      return { status: res.status, body: parsed, text, location: res.headers.get('location'), headers: res.headers };
    },
    // SIGTERM: a normal exit, so the process writes its share of coverage.
    stop: () => kill(proc, 'SIGTERM'),
  };
}
