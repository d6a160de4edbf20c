// Apicurio Registry (all-in-one Quarkus app from Maven Central) with SQL storage on our
// PostgreSQL, serving the Confluent-compatible API at /apis/ccompat/v7.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { javaCommand } from './java.js';
import { runMaven } from './maven.js';
import { HOST, logFile, REGISTRY } from './paths.js';
import { databaseUrl } from './postgres.js';
import { logTail, markerArg, runningPid, spawnDaemon, stopDaemon } from './processes.js';
import { seconds, type Progress } from './progress.js';
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

async function answers(timeoutMs = 2000): Promise<boolean> {
  try {
    const res = await fetch(`${CCOMPAT_URL}/subjects`, { signal: AbortSignal.timeout(timeoutMs) });
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
async function ensureGlobalCompatibility(): Promise<void> {
  const current = (await (await fetch(`${CCOMPAT_URL}/config`)).json()) as { compatibilityLevel?: string };
  if (current.compatibilityLevel === 'BACKWARD') return;
  const res = await fetch(`${CCOMPAT_URL}/config`, {
    method: 'PUT',
    headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' },
    body: JSON.stringify({ compatibility: 'BACKWARD' }),
  });
  if (!res.ok) throw new Error(`setting global compatibility failed: HTTP ${res.status} ${await res.text()}`);
}

export async function startRegistry(pgServerUrl: string, progress: Progress): Promise<ServiceUp> {
  const db = new URL(databaseUrl(pgServerUrl, REGISTRY.database));
  const jdbcUrl = `jdbc:postgresql://${db.hostname}:${db.port || '5432'}${db.pathname}`;
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
  if (!existsSync(runnerJar)) throw new Error('Apicurio distribution missing; prepareRegistry() must run first');

  const tmp = join(REGISTRY.dir, 'tmp');
  mkdirSync(tmp, { recursive: true });
  const start = Date.now();
  progress.say(SERVICE, `starting Apicurio Registry ${REGISTRY.version} on ${REGISTRY_BASE} (storage: ${jdbcUrl}), log ${logFile(SERVICE)}`);
  const settings: Record<string, string> = {
    'quarkus.http.host': HOST,
    'quarkus.http.port': String(REGISTRY.port),
    // Persistent storage: events on Kafka carry schema ids, which must survive restarts.
    'apicurio.storage.kind': 'sql',
    'apicurio.storage.sql.kind': 'postgresql',
    'apicurio.datasource.url': jdbcUrl,
    'apicurio.datasource.username': decodeURIComponent(db.username) || 'postgres',
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
  const daemon = spawnDaemon({
    service: SERVICE,
    command: javaCommand(),
    args: [
      '-Xms64m',
      '-Xmx512m',
      `-Djava.io.tmpdir=${tmp}`,
      ...Object.entries(settings).map(([k, v]) => `-D${k}=${v}`),
      markerArg(SERVICE),
      '-jar',
      runnerJar,
    ],
    cwd: REGISTRY.dir,
    // The password goes through the environment, not the (world-readable) command line.
    env: { ...process.env, APICURIO_DATASOURCE_PASSWORD: decodeURIComponent(db.password) },
  });
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
