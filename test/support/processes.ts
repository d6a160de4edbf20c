// Pulse roles as separate OS processes (to kill them for real), with the test run's settings.
// Their JSON log lines are readable, so a test can wait for a moment it cares about (a batch in
// flight, a delivery sent) before it kills — never a random timer.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { projectRoot } from '../../platform/config.js';

const cli = path.join(projectRoot, 'cli', 'main.ts');

export type LogLine = Record<string, unknown> & { msg?: string };

export interface PulseProcess {
  child: ChildProcess;
  /** Exit code once it has exited by itself (undefined while running). */
  exited(): number | null | undefined;
  /** Resolves with the first log line (from now on) matching `match`; rejects if the process exits first. */
  logged(match: (line: LogLine) => boolean, timeoutMs?: number): Promise<LogLine>;
  /** Calls `listener` with every JSON log line from now on (e.g. to count which process ran which check); returns an unsubscribe. */
  onLog(listener: (line: LogLine) => void): () => void;
  /** Resolves with everything printed so far once it satisfies `match` (for plain-text output such as the demo's banner). */
  printed(match: (text: string) => boolean, timeoutMs?: number): Promise<string>;
}

/**
 * Starts `pulse <args>`. Give `LOG_LEVEL` in `env` (e.g. 'debug') to read its logs with
 * `logged()`; PROCESS_LOGS=1 also echoes them to the test's output.
 */
export function startPulseProcess(args: string[], env: Record<string, string> = {}): PulseProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', cli, ...args], {
    cwd: projectRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let code: number | null | undefined;
  let output = '';
  const waiters = new Set<(text: string) => void>();
  child.once('exit', (c) => (code = c));
  createInterface({ input: child.stdout! }).on('line', (text) => {
    if (process.env.PROCESS_LOGS) process.stdout.write(`${text}\n`);
    output += `${text}\n`;
    for (const w of [...waiters]) w(text);
  });

  /** Resolves with `found(line)`'s first non-undefined answer; rejects when the process exits first. */
  const awaitLine = <T>(what: string, found: (line: string) => T | undefined, timeoutMs: number): Promise<T> =>
    new Promise((resolve, reject) => {
      const done = () => {
        waiters.delete(onLine);
        child.off('exit', onExit);
        clearTimeout(timer);
      };
      const onLine = (line: string) => {
        const value = found(line);
        if (value === undefined) return;
        done();
        resolve(value);
      };
      const onExit = (c: number | null) => {
        done();
        reject(new Error(`process ${args.join(' ')} exited (code ${c}) before ${what}`));
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`process ${args.join(' ')}: no ${what} within ${timeoutMs} ms`));
      }, timeoutMs);
      if (code !== undefined) return onExit(code);
      waiters.add(onLine);
      child.once('exit', onExit);
    });

  return {
    child,
    exited: () => code,
    logged: (match, timeoutMs = 60_000) =>
      awaitLine('the awaited log line', (text) => {
        const line = asLogLine(text);
        return line && match(line) ? line : undefined;
      }, timeoutMs),
    onLog(listener) {
      const onLine = (text: string) => {
        const line = asLogLine(text);
        if (line) listener(line);
      };
      waiters.add(onLine);
      return () => waiters.delete(onLine);
    },
    printed: (match, timeoutMs = 60_000) =>
      match(output) ? Promise.resolve(output) : awaitLine('the awaited output', () => (match(output) ? output : undefined), timeoutMs),
  };
}

function asLogLine(text: string): LogLine | undefined {
  try {
    return JSON.parse(text) as LogLine;
  } catch {
    return undefined;
  }
}

/** Stops the process with `signal` and waits until it is gone (so no stale group member outlives the test). */
export async function kill(p: PulseProcess, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  if (p.exited() !== undefined) return;
  const gone = new Promise((r) => p.child.once('exit', r));
  p.child.kill(signal);
  await gone;
}

/** A seeded choice (mulberry32), so a run that failed can be replayed with the same KILL_SEED. */
export function seededRandom(seed = Number(process.env.KILL_SEED ?? Date.now() % 2 ** 31)): { seed: number; next(): number } {
  let a = seed >>> 0;
  return {
    seed,
    next() {
      a = (a + 0x6d2b79f5) >>> 0;
      let t = a;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    },
  };
}
