// PostgreSQL: use DATABASE_URL (or the usual local default) when it answers; otherwise run a
// private server from the installed PostgreSQL binaries in .stack/postgres. Never stops a
// server it did not start.
import { spawn, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { HOST, LOGS, logFile, POSTGRES } from './paths.js';
import { isAlive, logTail } from './processes.js';
import { seconds, type Progress } from './progress.js';
import type { ServiceStatus } from './types.js';
import { portOpen } from './wait.js';

const SERVICE = 'postgres';
export const LOCAL_URL = `postgres://postgres@${HOST}:${POSTGRES.localPort}/postgres`;

export interface PostgresUp {
  /** Server URL pointing at its maintenance database (used to create ours). */
  serverUrl: string;
  managed: boolean;
  reused: boolean;
}

export function databaseUrl(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

/** host:port/db, without credentials. */
export function displayUrl(url: string): string {
  const u = new URL(url);
  return `${u.hostname}:${u.port || '5432'}${u.pathname}`;
}

/** 'up', 'no-database' (the server answers but that database does not exist yet) or 'down'. */
async function probe(url: string, timeoutMs: number): Promise<'up' | 'no-database' | 'down'> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: timeoutMs });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return 'up';
  } catch (err) {
    return (err as { code?: string }).code === '3D000' ? 'no-database' : 'down';
  } finally {
    await client.end().catch(() => undefined);
  }
}

export async function pgAnswers(url: string, timeoutMs = 2000): Promise<boolean> {
  return (await probe(url, timeoutMs)) === 'up';
}

/**
 * A URL of the server behind `url` that we can connect to: `url` itself, or, when its database
 * does not exist yet (DATABASE_URL=.../pulse on a fresh server), the `postgres` database.
 */
async function reachable(url: string): Promise<string | undefined> {
  const state = await probe(url, 2000);
  if (state === 'up') return url;
  if (state === 'no-database') {
    const maintenance = databaseUrl(url, 'postgres');
    if ((await probe(maintenance, 2000)) === 'up') return maintenance;
  }
  return undefined;
}

/** Pid of the local server in .stack/postgres/data, if it runs. */
function localPid(): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(join(POSTGRES.dataDir, 'postmaster.pid'), 'utf8').split('\n')[0] ?? '', 10);
    return Number.isInteger(pid) && isAlive(pid, POSTGRES.dataDir) ? pid : undefined;
  } catch {
    return undefined;
  }
}

export function findBinDir(): string {
  const base = '/usr/lib/postgresql';
  const versions = existsSync(base)
    ? readdirSync(base).filter((v) => existsSync(join(base, v, 'bin', 'pg_ctl'))).sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions[0]) return join(base, versions[0], 'bin');
  const which = spawnSync('pg_config', ['--bindir'], { encoding: 'utf8' });
  const dir = which.status === 0 ? which.stdout.trim() : '';
  if (dir && existsSync(join(dir, 'pg_ctl')) && existsSync(join(dir, 'initdb'))) return dir;
  throw new Error(
    'No PostgreSQL reachable and no PostgreSQL server binaries found (looked in /usr/lib/postgresql/*/bin and pg_config).\n' +
      'Install them with: sudo apt-get install postgresql   (or set DATABASE_URL to a running server)',
  );
}

/** PostgreSQL refuses to run as root: when we are root, run its binaries as the `postgres` user. */
export function runAs(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const line = readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith('postgres:'));
  const [, , uid, gid] = line?.split(':') ?? [];
  if (!uid || !gid) throw new Error('Running as root and there is no `postgres` user to run a local PostgreSQL server as');
  return { uid: Number(uid), gid: Number(gid) };
}

function run(bin: string, args: string[], user: { uid: number; gid: number } | undefined): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    // detached: the server must not share our terminal's process group (Ctrl-C on the CLI).
    const child = spawn(bin, args, { ...user, detached: true, stdio: ['ignore', 'pipe', 'pipe'], cwd: POSTGRES.dir });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

async function startLocal(progress: Progress): Promise<void> {
  const bin = findBinDir();
  const user = runAs();
  const start = Date.now();
  mkdirSync(POSTGRES.dir, { recursive: true });
  mkdirSync(LOGS, { recursive: true });
  const log = logFile(SERVICE);
  if (!existsSync(log)) writeFileSync(log, '');
  if (user) {
    chownSync(POSTGRES.dir, user.uid, user.gid);
    chownSync(log, user.uid, user.gid);
  }
  if (!existsSync(join(POSTGRES.dataDir, 'PG_VERSION'))) {
    progress.say(SERVICE, `initdb ${POSTGRES.dataDir} (${bin})`);
    const init = await run(join(bin, 'initdb'), ['-D', POSTGRES.dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C'], user);
    writeFileSync(log, init.output, { flag: 'a' });
    if (init.code !== 0) throw new Error(`initdb failed:\n${init.output}`);
  }
  progress.say(SERVICE, `starting local PostgreSQL on ${HOST}:${POSTGRES.localPort}, log ${log}`);
  const options = `-p ${POSTGRES.localPort} -k ${POSTGRES.socketDir} -c listen_addresses=${HOST}`;
  const ctl = await run(join(bin, 'pg_ctl'), ['-D', POSTGRES.dataDir, '-l', log, '-w', '-t', '60', '-o', options, 'start'], user);
  if (ctl.code !== 0) throw new Error(`pg_ctl start failed:\n${ctl.output}\n--- ${log}:\n${logTail(SERVICE)}`);
  progress.say(SERVICE, `ready in ${seconds(start)}`);
}

async function ensureDatabases(serverUrl: string, progress: Progress): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    for (const name of POSTGRES.databases) {
      const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
      if (found.rowCount) continue;
      try {
        await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
        progress.say(SERVICE, `created database ${name}`);
      } catch (err) {
        if ((err as { code?: string }).code !== '42P04') throw err; // created concurrently
      }
    }
  } finally {
    await client.end();
  }
}

export async function startPostgres(progress: Progress): Promise<PostgresUp> {
  const wanted = process.env.DATABASE_URL ?? POSTGRES.defaultUrl;
  let result: PostgresUp;
  const server = await reachable(wanted);
  if (server) {
    const local = localPid() !== undefined && new URL(server).port === String(POSTGRES.localPort);
    result = { serverUrl: server, managed: local, reused: true };
    progress.say(SERVICE, `using ${displayUrl(wanted)}${local ? ' (local, started by this stack)' : ''}`);
  } else {
    progress.say(SERVICE, `nothing answers at ${displayUrl(wanted)}; using a local server in ${POSTGRES.dir}`);
    if (localPid() !== undefined && (await pgAnswers(LOCAL_URL))) {
      result = { serverUrl: LOCAL_URL, managed: true, reused: true };
    } else {
      if (localPid() === undefined && (await portOpen(HOST, POSTGRES.localPort))) {
        throw new Error(`port ${POSTGRES.localPort} is in use by something else; cannot start the local PostgreSQL`);
      }
      await startLocal(progress);
      result = { serverUrl: LOCAL_URL, managed: true, reused: false };
    }
  }
  await ensureDatabases(result.serverUrl, progress);
  return result;
}

/** Stops the local server, and only that one (the one whose data dir is .stack/postgres/data). */
export async function stopPostgres(progress: Progress): Promise<boolean> {
  const pid = localPid();
  if (pid === undefined) return false;
  progress.say(SERVICE, `stopping local PostgreSQL (pid ${pid})…`);
  const ctl = await run(join(findBinDir(), 'pg_ctl'), ['-D', POSTGRES.dataDir, '-m', 'fast', '-w', '-t', '60', 'stop'], runAs());
  if (ctl.code !== 0) throw new Error(`pg_ctl stop failed:\n${ctl.output}`);
  return true;
}

export async function postgresStatus(serverUrl: string): Promise<ServiceStatus> {
  const pid = localPid();
  const managed = pid !== undefined && new URL(serverUrl).port === String(POSTGRES.localPort);
  return {
    service: SERVICE,
    address: displayUrl(serverUrl),
    up: await pgAnswers(serverUrl),
    managed,
    ...(managed ? { pid } : {}),
  };
}
