// A PostgreSQL server of the caller's own (fault tests SIGKILL and restart it without touching
// anyone else's database). The postmaster runs directly as a child, not through pg_ctl, so that
// kill() can SIGKILL it; it leads its own process group, so its backends go with it.
import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, chownSync, closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { HOST } from './paths.js';
import { findBinDir, pgAnswers, runAs } from './postgres.js';
import { isAlive } from './processes.js';
import { createProgress, seconds, type Progress } from './progress.js';
import { portOpen, sleep, waitUntil } from './wait.js';

export interface PostgresInstance {
  /** postgres://postgres@127.0.0.1:<port>/postgres (trust auth). */
  url: string;
  port: number;
  /** Its stdout+stderr (the server log), appended to across restarts. */
  log: string;
  /** The postmaster's pid while it runs. */
  pid(): number | undefined;
  /** SIGKILL the postmaster and its backends; resolves when they are gone and the port is closed. */
  kill(): Promise<void>;
  /** Start again on the same data dir (crash recovery included); resolves when it answers. */
  start(): Promise<void>;
  /** Fast shutdown (SIGKILL after 30 s); idempotent. */
  stop(): Promise<void>;
}

export interface PostgresInstanceOptions {
  /** Data dir (data/), socket and log; must be reachable by the `postgres` user when we are root (e.g. under os.tmpdir()). */
  dir: string;
  port: number;
  progress?: Progress;
}

const SERVICE = 'postgres';
const READY_TIMEOUT_MS = 60_000;
const STOP_GRACE_MS = 30_000;

/** Whether any process of the group led by `pgid` is left. */
function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function signalGroup(pgid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(-pgid, sig);
  } catch {
    /* already gone */
  }
}

async function until(condition: () => boolean | Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) return false;
    await sleep(50);
  }
  return true;
}

function run(bin: string, args: string[], user: { uid: number; gid: number } | undefined, cwd: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { ...user, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

function tail(file: string, lines = 15): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

export async function startPostgresInstance(opts: PostgresInstanceOptions): Promise<PostgresInstance> {
  const progress = opts.progress ?? createProgress(true);
  const bin = findBinDir();
  const user = runAs();
  const data = join(opts.dir, 'data');
  const log = join(opts.dir, 'postgres.log');
  const url = `postgres://postgres@${HOST}:${opts.port}/postgres`;
  mkdirSync(opts.dir, { recursive: true });
  if (user) {
    chownSync(opts.dir, user.uid, user.gid);
    // chown is not enough when a parent directory is closed to other users (mkdtemp under a 0700 dir).
    if (spawnSync('test', ['-w', opts.dir, '-a', '-x', opts.dir], user).status !== 0) {
      throw new Error(`the postgres user cannot write ${opts.dir}; put it where every user can traverse, e.g. under /tmp`);
    }
  }
  if (!existsSync(join(data, 'PG_VERSION'))) {
    const start = Date.now();
    // --no-sync: the files reach the page cache, which a SIGKILL of the server does not lose.
    const init = await run(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C', '--no-sync'], user, opts.dir);
    appendFileSync(log, init.output);
    if (init.code !== 0) throw new Error(`initdb ${data} failed:\n${init.output}`);
    progress.say(SERVICE, `initdb ${data} in ${seconds(start)}`);
  }

  let current: { pid: number; exited: () => string | undefined } | undefined;
  /** Process group of the last postmaster we started (its backends stay in it). */
  let lastGroup: number | undefined;

  // isAlive too: the child's exit event comes a little after the process is gone (a SIGKILL from outside).
  const pid = (): number | undefined => (current && current.exited() === undefined && isAlive(current.pid) ? current.pid : undefined);

  /** Waits out what a killed server leaves behind: backends still exiting, a postmaster.pid naming a stranger. */
  async function clearRemains(): Promise<void> {
    if (lastGroup !== undefined && !(await until(() => !groupAlive(lastGroup as number), STOP_GRACE_MS))) {
      throw new Error(`processes of the previous server (group ${lastGroup}) are still running`);
    }
    const lock = join(data, 'postmaster.pid');
    if (!existsSync(lock)) return;
    const old = Number.parseInt(readFileSync(lock, 'utf8').split('\n')[0] ?? '', 10);
    // A live postmaster of this data dir refuses a second one by itself; a pid reused by another
    // process would make it refuse for nothing, so such a stale lock file goes.
    if (Number.isInteger(old) && old > 0 && isAlive(old, data)) throw new Error(`a postmaster (pid ${old}) already runs on ${data}`);
    rmSync(lock, { force: true });
  }

  async function start(): Promise<void> {
    if (pid() !== undefined) return;
    await clearRemains();
    if (await portOpen(HOST, opts.port)) throw new Error(`port ${opts.port} is already in use; cannot start PostgreSQL on ${data}`);
    const begin = Date.now();
    const fd = openSync(log, 'a'); // the server inherits the fd, so the file may stay root's
    const args = ['-D', data, '-p', String(opts.port), '-k', opts.dir, '-c', `listen_addresses=${HOST}`, '-c', 'fsync=on'];
    writeSync(fd, `\n=== ${new Date().toISOString()} pulse starting ${join(bin, 'postgres')} ${args.join(' ')}\n`);
    // Its own process group (detached), so kill() takes the backends along; not unref'd, so it is ours.
    const child = spawn(join(bin, 'postgres'), args, { ...user, cwd: opts.dir, detached: true, stdio: ['ignore', fd, fd] });
    closeSync(fd);
    if (child.pid === undefined) throw new Error(`could not start ${join(bin, 'postgres')}`);
    const postmaster = child.pid;
    lastGroup = postmaster;
    let exit: string | undefined;
    const killOnExit = (): void => signalGroup(postmaster, 'SIGKILL');
    process.once('exit', killOnExit);
    child.once('exit', (code, sig) => {
      exit = `process exited (${sig ?? `code ${code}`})`;
      process.off('exit', killOnExit);
    });
    child.once('error', (err) => {
      exit = err.message;
    });
    current = { pid: postmaster, exited: () => exit };
    await waitUntil({
      service: SERVICE,
      what: `PostgreSQL on ${HOST}:${opts.port}`,
      progress,
      timeoutMs: READY_TIMEOUT_MS,
      ready: () => pgAnswers(url, 1000),
      failed: () => exit,
    }).catch((err: Error) => {
      signalGroup(postmaster, 'SIGKILL');
      throw new Error(`${err.message}\n--- last lines of ${log}:\n${tail(log)}`);
    });
    progress.say(SERVICE, `instance on ${HOST}:${opts.port} ready in ${seconds(begin)} (pid ${postmaster})`);
  }

  async function ended(group: number, timeoutMs: number): Promise<boolean> {
    return until(async () => !groupAlive(group) && !(await portOpen(HOST, opts.port, 200)), timeoutMs);
  }

  async function kill(): Promise<void> {
    const running = pid();
    if (running === undefined) return;
    signalGroup(running, 'SIGKILL');
    if (!(await ended(running, 10_000))) throw new Error(`PostgreSQL (pid ${running}) survived SIGKILL`);
  }

  async function stop(): Promise<void> {
    const running = pid();
    if (running === undefined) return;
    try {
      process.kill(running, 'SIGINT'); // "fast" shutdown: roll back sessions, checkpoint, exit
    } catch {
      /* already gone */
    }
    if (await ended(running, STOP_GRACE_MS)) return;
    progress.warn(SERVICE, `instance on port ${opts.port} still running after ${STOP_GRACE_MS / 1000}s, sending SIGKILL`);
    await kill();
  }

  await start();
  return { url, port: opts.port, log, pid, kill, start, stop };
}
