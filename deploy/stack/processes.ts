// Background processes started by the stack: pid files, liveness, start, stop, log tails.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { logFile, pidFile, STATE } from './paths.js';
import type { Progress } from './progress.js';
import { sleep } from './wait.js';

const MAX_LOG_BYTES = 20 * 1024 * 1024;

/**
 * A JVM system property that identifies a process as ours (`-Dpulse.stack.kafka=/work/main/.stack`).
 * Checked against /proc/<pid>/cmdline so that a stale pid file never makes us signal a stranger.
 */
export const markerArg = (service: string): string => `-Dpulse.stack.${service}=${STATE}`;

export function readPid(service: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(pidFile(service), 'utf8').trim(), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

export function clearPid(service: string): void {
  rmSync(pidFile(service), { force: true });
}

/** Alive (not a zombie) and, where /proc exists, its command line contains the marker. */
export function isAlive(pid: number, marker?: string): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  if (!existsSync('/proc/self')) return true;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    if (/\) Z /.test(stat)) return false;
    if (!marker) return true;
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes(marker);
  } catch {
    return false;
  }
}

/** The pid of our running process for this service, if any. */
export function runningPid(service: string, marker = markerArg(service)): number | undefined {
  const pid = readPid(service);
  return pid !== undefined && isAlive(pid, marker) ? pid : undefined;
}

export interface DaemonSpec {
  service: string;
  command: string;
  args: string[];
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

export interface Daemon {
  pid: number;
  /** Set once the process exited (while this Node process is still watching it). */
  exited: () => string | undefined;
}

/** Start a detached process whose stdout+stderr append to .stack/logs/<service>.log. */
export function spawnDaemon(spec: DaemonSpec): Daemon {
  const log = logFile(spec.service);
  mkdirSync(dirname(log), { recursive: true });
  if (existsSync(log) && statSync(log).size > MAX_LOG_BYTES) renameSync(log, `${log}.1`);
  const fd = openSync(log, 'a');
  writeSync(fd, `\n=== ${new Date().toISOString()} pulse stack starting ${spec.service}: ${spec.command} ${spec.args.join(' ')}\n`);
  const child = spawn(spec.command, spec.args, {
    cwd: spec.cwd,
    env: spec.env ?? process.env,
    detached: true,
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  if (child.pid === undefined) throw new Error(`could not start ${spec.command}`);
  let exit: string | undefined;
  child.once('exit', (code, signal) => {
    exit = `process exited (${signal ?? `code ${code}`}); see ${log}`;
  });
  child.once('error', (err) => {
    exit = err.message;
  });
  child.unref();
  writeFileSync(pidFile(spec.service), `${child.pid}\n`);
  return { pid: child.pid, exited: () => exit };
}

/** SIGTERM the process group, wait up to graceMs, then SIGKILL. Only touches our own marked process. */
export async function stopDaemon(service: string, graceMs: number, progress: Progress, marker = markerArg(service)): Promise<boolean> {
  const pid = readPid(service);
  if (pid === undefined || !isAlive(pid, marker)) {
    clearPid(service);
    return false;
  }
  const signal = (sig: NodeJS.Signals): void => {
    try {
      process.kill(-pid, sig); // detached => it leads its own process group
    } catch {
      try {
        process.kill(pid, sig);
      } catch {
        /* already gone */
      }
    }
  };
  progress.say(service, `stopping (pid ${pid})…`);
  signal('SIGTERM');
  const start = Date.now();
  while (isAlive(pid) && Date.now() - start < graceMs) await sleep(200);
  if (isAlive(pid)) {
    progress.warn(service, `still running after ${graceMs / 1000}s, sending SIGKILL`);
    signal('SIGKILL');
    while (isAlive(pid) && Date.now() - start < graceMs + 5000) await sleep(100);
  }
  clearPid(service);
  return true;
}

/** Last lines of a service log, for error messages. */
export function logTail(service: string, lines = 15): string {
  try {
    const text = readFileSync(logFile(service), 'utf8');
    return text.trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}
