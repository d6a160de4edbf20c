// Readiness helpers: TCP probe and a polling loop that reports progress while it waits.
import { createConnection } from 'node:net';
import type { Progress } from './progress.js';

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** True when a TCP connection to host:port succeeds within timeoutMs. */
export function portOpen(host: string, port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host, port });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

export interface WaitOptions {
  service: string;
  /** Shown as "waiting for <what>… 3s". */
  what: string;
  ready: () => Promise<boolean>;
  /** Returns a reason when waiting is pointless (e.g. the process exited). */
  failed?: () => Promise<string | undefined> | string | undefined;
  timeoutMs: number;
  progress: Progress;
  intervalMs?: number;
}

export async function waitUntil(opts: WaitOptions): Promise<void> {
  const start = Date.now();
  const interval = opts.intervalMs ?? 250;
  let lastReport = start;
  for (;;) {
    if (await opts.ready()) return;
    const reason = await opts.failed?.();
    if (reason) throw new Error(`${opts.what} did not start: ${reason}`);
    const elapsed = Date.now() - start;
    if (elapsed > opts.timeoutMs) {
      throw new Error(`${opts.what} not ready after ${Math.round(elapsed / 1000)}s`);
    }
    if (Date.now() - lastReport >= 3000) {
      lastReport = Date.now();
      opts.progress.say(opts.service, `waiting for ${opts.what}… ${Math.round(elapsed / 1000)}s`);
    }
    await sleep(interval);
  }
}
