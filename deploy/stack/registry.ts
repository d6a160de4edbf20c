// Apicurio Registry (all-in-one Quarkus app from Maven Central) with SQL storage on our
// PostgreSQL, serving the Confluent-compatible API at /apis/ccompat/v7.
// Two ways to run it, sharing one set of settings:
// - startRegistry(): the stack's registry, a daemon on the fixed port 8081 with a pid file;
// - startRegistryInstance(): a private instance (tests that restart a registry) on a port the
//   JVM picks itself (quarkus.http.port=0, read back from its startup line), with its own
//   storage database and tmp dir, owned by the calling process.
import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { javaCommand } from './java.js';
import { runMaven } from './maven.js';
import { HOST, logFile, REGISTRY } from './paths.js';
import { databaseUrl } from './postgres.js';
import { logTail, markerArg, runningPid, spawnDaemon, stopDaemon } from './processes.js';
import { createProgress, seconds, type Progress } from './progress.js';
import type { ServiceStatus, ServiceUp } from './types.js';
import { portOpen, waitUntil } from './wait.js';

const SERVICE = 'registry';
const ARTIFACT = `io.apicurio:apicurio-registry-app:${REGISTRY.version}:tar.gz:all`;
const distDir = join(REGISTRY.dir, `apicurio-registry-app-${REGISTRY.version}`);
const runnerJar = join(distDir, `apicurio-registry-app-${REGISTRY.version}-runner.jar`);
/** The JDBC URL the running registry was started with. */
const storageFile = join(REGISTRY.dir, 'storage-url');
export const REGISTRY_BASE = `http://${HOST}:${REGISTRY.port}`;
export const CCOMPAT_URL = `${REGISTRY_BASE}/apis/ccompat/v7`;
const ccompatOf = (base: string): string => `${base}/apis/ccompat/v7`;

/** Download (first run: ~110 MB into ~/.m2) and unpack the distribution into .stack/registry/. */
export async function prepareRegistry(progress: Progress): Promise<void> {
  if (existsSync(runnerJar)) return;
  const download = join(REGISTRY.dir, 'download');
  mkdirSync(download, { recursive: true });
  progress.say(SERVICE, `fetching Apicurio Registry ${REGISTRY.version} from Maven Central (first run only)…`);
  // maven-dependency-plugin 2.8 on purpose: newer versions insist on reading the artifact's
  // parent pom (io.apicurio:apicurio-registry:<version>), which is not published on Central.
  await runMaven(
    SERVICE,
    ['org.apache.maven.plugins:maven-dependency-plugin:2.8:copy', `-Dartifact=${ARTIFACT}`, `-DoutputDirectory=${download}`],
    progress,
    REGISTRY.dir,
  );
  const tarball = readdirSync(download).find((f) => f.endsWith('.tar.gz'));
  if (!tarball) throw new Error(`Maven did not copy ${ARTIFACT} into ${download}`);
  // System tar, not Maven's unpack: plexus-archiver truncates the PAX long file names in this tarball.
  const partial = `${distDir}.partial`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  const tar = spawnSync('tar', ['-xzf', join(download, tarball), '-C', partial], { encoding: 'utf8' });
  if (tar.status !== 0) throw new Error(`tar failed: ${tar.stderr || tar.error?.message}`);
  renameSync(partial, distDir);
  rmSync(download, { recursive: true, force: true }); // the tarball stays in ~/.m2
}

function readFileOr(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

async function answers(ccompatUrl = CCOMPAT_URL, timeoutMs = 2000): Promise<boolean> {
  try {
    const res = await fetch(`${ccompatUrl}/subjects`, { signal: AbortSignal.timeout(timeoutMs) });
    await res.arrayBuffer();
    return res.status === 200;
  } catch {
    return false;
  }
}

async function waitReady(progress: Progress, exited: () => string | undefined, pid: number): Promise<void> {
  await waitUntil({
    service: SERVICE,
    what: 'schema registry',
    progress,
    timeoutMs: 120_000,
    ready: () => answers(),
    failed: () => exited() ?? (runningPid(SERVICE) === pid ? undefined : 'process is gone'),
  }).catch((err: Error) => {
    throw new Error(`${err.message}\n--- last lines of ${logFile(SERVICE)}:\n${logTail(SERVICE)}`);
  });
}

/**
 * Confluent's registry defaults to BACKWARD globally; Apicurio's ccompat `GET /config` says NONE
 * unless a global COMPATIBILITY rule is stored (even though apicurio.rules.global.compatibility is
 * enforced). Store it (idempotent; persisted in the SQL storage).
 * Quirk left as is: `GET /config/{subject}` of a subject without its own rule answers NONE, not the
 * global level, so @kafkajs/confluent-schema-registry's register() (which compares it with its
 * `compatibility` option) rejects such subjects; subjects it creates itself get BACKWARD set.
 */
async function ensureGlobalCompatibility(ccompatUrl = CCOMPAT_URL): Promise<void> {
  const current = (await (await fetch(`${ccompatUrl}/config`)).json()) as { compatibilityLevel?: string };
  if (current.compatibilityLevel === 'BACKWARD') return;
  const res = await fetch(`${ccompatUrl}/config`, {
    method: 'PUT',
    headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' },
    body: JSON.stringify({ compatibility: 'BACKWARD' }),
  });
  if (!res.ok) throw new Error(`setting global compatibility failed: HTTP ${res.status} ${await res.text()}`);
}

interface Storage {
  jdbcUrl: string;
  username: string;
  password: string;
}

function storageOf(url: string): Storage {
  const db = new URL(url);
  return {
    jdbcUrl: `jdbc:postgresql://${db.hostname}:${db.port || '5432'}${db.pathname}`,
    username: decodeURIComponent(db.username) || 'postgres',
    password: decodeURIComponent(db.password),
  };
}

/** The JVM command line of a registry on `port` (0: the JVM picks one) with `storage`, scratch files in `tmp`. */
function registryJvm(storage: Storage, port: number, tmp: string, extraArgs: string[] = []): { command: string; args: string[]; env: NodeJS.ProcessEnv } {
  const settings: Record<string, string> = {
    'quarkus.http.host': HOST,
    'quarkus.http.port': String(port),
    // Quarkus's startup line ("… started in 13.4s. Listening on: http://127.0.0.1:41234"):
    // Apicurio logs io.quarkus at WARN only; the line tells which port 0 became.
    'quarkus.log.category."io.quarkus".level': 'INFO',
    // Persistent storage: events on Kafka carry schema ids, which must survive restarts.
    'apicurio.storage.kind': 'sql',
    'apicurio.storage.sql.kind': 'postgresql',
    'apicurio.datasource.url': storage.jdbcUrl,
    'apicurio.datasource.username': storage.username,
    // Defaults are 20 initial/min and 100 max connections: far too many for a dev Postgres.
    'apicurio.datasource.jdbc.initial-size': '2',
    'apicurio.datasource.jdbc.min-size': '2',
    'apicurio.datasource.jdbc.max-size': '20',
    // ccompat ids are *content* ids (the default, pinned here): one id per distinct schema,
    // shared across subjects, like Confluent's. `true` would switch to global ids (one per version).
    'apicurio.ccompat.legacy-id-mode.enabled': 'false',
    // Match schemas by canonical form, so re-registering the same schema with different
    // whitespace returns the existing id instead of a new version (measured on 3.0.9: without it a
    // reformatted schema became version 2). JSON key order is still significant, unlike Confluent.
    'apicurio.ccompat.use-canonical-hash': 'true',
    // Enforced default for subjects without their own config (Confluent's default is BACKWARD;
    // Apicurio's is no rule at all). Read at startup, so it also holds for an empty database.
    'apicurio.rules.global.compatibility': 'BACKWARD',
    // Allow DELETE /subjects/{s} and /subjects/{s}/versions/{v} (tests clean up their subjects).
    'apicurio.rest.deletion.artifact.enabled': 'true',
    'apicurio.rest.deletion.artifact-version.enabled': 'true',
    'apicurio.storage.snapshot.location': tmp,
    'apicurio.import.work-dir': tmp,
  };
  return {
    command: javaCommand(),
    args: [
      '-Xms64m',
      '-Xmx512m',
      `-Djava.io.tmpdir=${tmp}`,
      ...Object.entries(settings).map(([k, v]) => `-D${k}=${v}`),
      ...extraArgs,
      '-jar',
      runnerJar,
    ],
    // The password goes through the environment, not the (world-readable) command line.
    env: { ...process.env, APICURIO_DATASOURCE_PASSWORD: storage.password },
  };
}

function requireDistribution(): void {
  if (!existsSync(runnerJar)) throw new Error('Apicurio distribution missing; prepareRegistry() must run first');
}

export async function startRegistry(pgServerUrl: string, progress: Progress): Promise<ServiceUp> {
  const storage = storageOf(databaseUrl(pgServerUrl, REGISTRY.database));
  const { jdbcUrl } = storage;
  if (runningPid(SERVICE) !== undefined && readFileOr(storageFile) !== jdbcUrl) {
    // PostgreSQL changed since the registry started (e.g. DATABASE_URL set/unset): restart on the new one.
    progress.say(SERVICE, `storage moves to ${jdbcUrl}; restarting`);
    await stopRegistry(progress);
  }
  const ours = runningPid(SERVICE);
  if (ours !== undefined) {
    await waitReady(progress, () => undefined, ours);
    await ensureGlobalCompatibility();
    return { address: CCOMPAT_URL, managed: true, reused: true };
  }
  if (await portOpen(HOST, REGISTRY.port)) {
    if (await answers()) {
      progress.say(SERVICE, `a schema registry not started by this stack answers on ${CCOMPAT_URL}; using it`);
      return { address: CCOMPAT_URL, managed: false, reused: true };
    }
    throw new Error(`port ${REGISTRY.port} is in use by something that is not a schema registry`);
  }
  requireDistribution();

  const tmp = join(REGISTRY.dir, 'tmp');
  mkdirSync(tmp, { recursive: true });
  const start = Date.now();
  progress.say(SERVICE, `starting Apicurio Registry ${REGISTRY.version} on ${REGISTRY_BASE} (storage: ${jdbcUrl}), log ${logFile(SERVICE)}`);
  const jvm = registryJvm(storage, REGISTRY.port, tmp, [markerArg(SERVICE)]);
  const daemon = spawnDaemon({ service: SERVICE, command: jvm.command, args: jvm.args, cwd: REGISTRY.dir, env: jvm.env });
  writeFileSync(storageFile, jdbcUrl);
  await waitReady(progress, daemon.exited, daemon.pid);
  await ensureGlobalCompatibility();
  progress.say(SERVICE, `ready in ${seconds(start)} (pid ${daemon.pid})`);
  return { address: CCOMPAT_URL, managed: true, reused: false };
}

export async function stopRegistry(progress: Progress): Promise<boolean> {
  return stopDaemon(SERVICE, 30_000, progress);
}

export async function registryStatus(): Promise<ServiceStatus> {
  const pid = runningPid(SERVICE);
  return { service: SERVICE, address: CCOMPAT_URL, up: await answers(), managed: pid !== undefined, ...(pid !== undefined ? { pid } : {}) };
}

/** A registry of the caller's own (see startRegistryInstance). */
export interface RegistryInstance {
  /** Confluent-compatible API, e.g. http://127.0.0.1:41234/apis/ccompat/v7 (what SCHEMA_REGISTRY_URL takes). */
  url: string;
  port: number;
  pid: number;
  /** Its stdout+stderr, appended to across starts on the same dir. */
  log: string;
  /** SIGTERM, then SIGKILL after 30 s; resolves once the process is gone. Idempotent. */
  stop(): Promise<void>;
}

export interface RegistryInstanceOptions {
  /** PostgreSQL URL of the storage database (which must exist; Apicurio creates its tables). */
  databaseUrl: string;
  /** Scratch files and the log; reuse it (and the database) to restart on the same storage. */
  dir: string;
  /** Give up when it is not ready by then (it takes 15–40 s; longer on a busy machine). */
  timeoutMs?: number;
  progress?: Progress;
}

const LISTENING = /Listening on: http:\/\/[^\s:]+:(\d+)/;

/**
 * Starts a private Apicurio instance on a port the JVM binds itself (port 0, so no other
 * process can take it between choosing and binding) and resolves once its API answers.
 * The process belongs to the caller: it is not detached, has no pid file, and is killed
 * when this Node process exits, should stop() not have run.
 */
export async function startRegistryInstance(opts: RegistryInstanceOptions): Promise<RegistryInstance> {
  requireDistribution();
  const progress = opts.progress ?? createProgress(true);
  const tmp = join(opts.dir, 'tmp');
  mkdirSync(tmp, { recursive: true });
  const logPath = join(opts.dir, 'registry.log');
  // The marker names the instance's dir in `ps`, should an orphan (a SIGKILLed test run) need finding.
  const jvm = registryJvm(storageOf(opts.databaseUrl), 0, tmp, [`-Dpulse.registry.instance=${opts.dir}`]);
  const start = Date.now();
  const child = spawn(jvm.command, jvm.args, { cwd: opts.dir, env: jvm.env, stdio: ['ignore', 'pipe', 'pipe'] });
  if (child.pid === undefined) throw new Error(`could not start ${jvm.command}`);
  const pid = child.pid;
  const killOnExit = (): void => void child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const log = createWriteStream(logPath, { flags: 'a' });
  log.write(`\n=== ${new Date().toISOString()} registry instance (pid ${pid}): ${jvm.command} ${jvm.args.join(' ')}\n`);

  let exit: string | undefined;
  const gone = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exit = `process exited (${signal ?? `code ${code}`})`;
      process.off('exit', killOnExit);
      resolve();
    });
    child.once('error', (err) => {
      exit = err.message;
      process.off('exit', killOnExit);
      resolve();
    });
  });
  let port: number | undefined;
  let recent = '';
  for (const stream of [child.stdout, child.stderr]) {
    stream.on('data', (chunk: Buffer) => {
      log.write(chunk);
      recent = (recent + chunk.toString('utf8')).slice(-8192);
      port ??= Number(LISTENING.exec(recent)?.[1]) || undefined;
    });
  }
  const stop = async (): Promise<void> => {
    if (exit === undefined) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await gone;
      clearTimeout(timer);
    }
    await new Promise<void>((resolve) => log.end(resolve));
  };

  try {
    await waitUntil({
      service: SERVICE,
      what: `schema registry instance (pid ${pid})`,
      progress,
      timeoutMs: opts.timeoutMs ?? 180_000,
      ready: async () => port !== undefined && answers(ccompatOf(`http://${HOST}:${port}`)),
      failed: () => exit,
    });
    const url = ccompatOf(`http://${HOST}:${port}`);
    await ensureGlobalCompatibility(url);
    progress.say(SERVICE, `instance ready on ${url} in ${seconds(start)} (pid ${pid})`);
    return { url, port: port as number, pid, log: logPath, stop };
  } catch (err) {
    await stop();
    const tail = recent.trimEnd().split('\n').slice(-15).join('\n');
    throw new Error(`${(err as Error).message}\n--- last lines of ${logPath}:\n${tail}`);
  }
}
