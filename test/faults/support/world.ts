// The fault suite's own production-shaped world: three KRaft brokers (replication factor 3,
// min.insync.replicas 2), a Postgres and a schema registry of its own — each of which a test
// may kill, stop or cut off without touching the stack other suites use. Pulse reaches
// Postgres and the registry through TCP proxies, so a test can also drop connections or make a
// dependency vanish while its address stays the same. Started once per run, on first use;
// every scenario gets its own database and topics on it (see scenario.ts).
import { mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startKafkaCluster, type KafkaCluster } from '../../../deploy/stack/kafkaCluster.js';
import { prepareKafka } from '../../../deploy/stack/kafkaNode.js';
import { startPostgresInstance, type PostgresInstance } from '../../../deploy/stack/postgresInstance.js';
import { createProgress } from '../../../deploy/stack/progress.js';
import { startRegistryInstance, type RegistryInstance } from '../../../deploy/stack/registry.js';
import { startTcpProxy, type TcpProxy } from './tcpProxy.js';

/**
 * Fixed ports (nothing else here uses them): brokers 29092/94/96, controllers +1; Postgres 29432.
 * Below Linux's ephemeral range (32768–60999), so no outgoing connection can hold one of them.
 */
const KAFKA_BASE_PORT = 29092;
const POSTGRES_PORT = 29432;

export interface FaultWorld {
  kafka: KafkaCluster;
  postgres: PostgresInstance;
  /** Pulse's way to Postgres (the URL in a scenario's DATABASE_URL points here). */
  postgresProxy: TcpProxy;
  registry: RegistryInstance;
  /** Pulse's way to the registry (SCHEMA_REGISTRY_URL points here). */
  registryProxy: TcpProxy;
  registryUrl: string;
  /** A URL of the world's Postgres that bypasses the proxy (for the test's own reads and setup). */
  directPostgresUrl(database: string): string;
  /** A URL through the proxy (what Pulse processes get). */
  proxiedPostgresUrl(database: string): string;
  stop(): Promise<void>;
}

export interface FaultWorldOptions {
  /** A Postgres database URL of a server that stays up, for the registry's storage. */
  registryStorageUrl: string;
  quiet?: boolean;
}

let started: Promise<FaultWorld> | undefined;

/** The world, started on first call and shared by every fault suite of this process. */
export function faultWorld(opts: FaultWorldOptions): Promise<FaultWorld> {
  started ??= startFaultWorld(opts);
  return started;
}

export async function stopFaultWorld(): Promise<void> {
  const world = started;
  started = undefined;
  if (world) await (await world.catch(() => undefined))?.stop();
}

async function startFaultWorld(opts: FaultWorldOptions): Promise<FaultWorld> {
  const progress = createProgress(opts.quiet ?? !process.env.CI);
  const dir = join(tmpdir(), `pulse-faults-${process.pid}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  await prepareKafka(progress);
  const [kafka, postgres, registry] = await Promise.all([
    startKafkaCluster({ dir: join(dir, 'kafka'), brokers: 3, basePort: KAFKA_BASE_PORT, daemon: false, progress }),
    startPostgresInstance({ dir: join(dir, 'postgres'), port: POSTGRES_PORT, progress }),
    startRegistryInstance({ databaseUrl: opts.registryStorageUrl, dir: join(dir, 'registry'), progress }),
  ]);
  const postgresProxy = await startTcpProxy({ host: '127.0.0.1', port: postgres.port });
  const registryProxy = await startTcpProxy({ host: '127.0.0.1', port: registry.port });
  const withDatabase = (port: number, database: string) => `postgres://postgres@127.0.0.1:${port}/${database}`;
  return {
    kafka,
    postgres,
    postgresProxy,
    registry,
    registryProxy,
    registryUrl: registry.url.replace(`:${registry.port}/`, `:${registryProxy.port}/`),
    directPostgresUrl: (database) => withDatabase(postgres.port, database),
    proxiedPostgresUrl: (database) => withDatabase(postgresProxy.port, database),
    async stop() {
      await Promise.allSettled([postgresProxy.close(), registryProxy.close()]);
      await Promise.allSettled([kafka.stopAll(), postgres.stop(), registry.stop()]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Runs `fn` with a client of the world's Postgres (maintenance database, not through the proxy). */
export async function asWorldAdmin<T>(world: FaultWorld, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: world.directPostgresUrl('postgres') });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/**
 * Puts back whatever a test may have broken — every broker running, Postgres running, both
 * proxies pointing at their service — so a failed test does not take the next ones with it.
 */
export async function restoreWorld(world: FaultWorld): Promise<void> {
  world.registryProxy.setTarget({ host: '127.0.0.1', port: world.registry.port });
  world.postgresProxy.setTarget({ host: '127.0.0.1', port: world.postgres.port });
  await Promise.all([...world.kafka.nodes.map((n) => world.kafka.start(n.id)), world.postgres.start()]);
}
