// Orchestrates the services: up (postgres → kafka + registry), down, status; writes stack.json.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { kafkaStatus, prepareKafka, startKafka, stopKafka } from './kafka.js';
import { withLock } from './lock.js';
import { LOGS, POSTGRES, STACK_JSON } from './paths.js';
import { databaseUrl, postgresStatus, startPostgres, stopPostgres } from './postgres.js';
import { createProgress, seconds, type Progress } from './progress.js';
import { prepareRegistry, registryStatus, startRegistry, stopRegistry } from './registry.js';
import type { ServiceStatus, StackInfo } from './types.js';

export interface StackOptions {
  /** No progress lines (warnings and errors still go to stderr). */
  quiet?: boolean;
  /**
   * Kafka brokers: 1, or 3 for a production-shaped cluster (replication factor 3, min ISR 2).
   * Unset: whatever runs, else 1. Asking for another count than the running one fails.
   */
  brokers?: number;
}

/** Await all, then fail with every error message (not just the first). */
async function allOrFail<T extends unknown[]>(promises: { [K in keyof T]: Promise<T[K]> }): Promise<T> {
  const results = await Promise.allSettled(promises);
  const errors = results.flatMap((r) => (r.status === 'rejected' ? [r.reason instanceof Error ? r.reason.message : String(r.reason)] : []));
  if (errors.length) throw new Error(errors.join('\n\n'));
  return results.map((r) => (r as PromiseFulfilledResult<unknown>).value) as T;
}

// In-process serialisation (the file lock serialises across processes).
let queue: Promise<unknown> = Promise.resolve();
function serial<T>(fn: () => Promise<T>): Promise<T> {
  const run = queue.then(fn, fn);
  queue = run.catch(() => undefined);
  return run;
}

async function up(progress: Progress, brokers: number | undefined): Promise<StackInfo> {
  const start = Date.now();
  mkdirSync(LOGS, { recursive: true });
  // Downloads (first run) overlap with finding/starting PostgreSQL; the registry needs PostgreSQL.
  const [pg] = await allOrFail<[Awaited<ReturnType<typeof startPostgres>>, void, void]>([
    startPostgres(progress),
    prepareKafka(progress),
    prepareRegistry(progress),
  ]);
  const [kafka, registry] = await allOrFail<[Awaited<ReturnType<typeof startKafka>>, Awaited<ReturnType<typeof startRegistry>>]>([
    startKafka(progress, brokers),
    startRegistry(pg.serverUrl, progress),
  ]);
  const info: StackInfo = {
    kafkaBrokers: kafka.brokers,
    replicationFactor: kafka.replicationFactor,
    schemaRegistryUrl: registry.address,
    databaseUrl: databaseUrl(pg.serverUrl, 'pulse'),
    testDatabaseUrl: databaseUrl(pg.serverUrl, 'pulse_test'),
    startedByStack: { kafka: kafka.managed, registry: registry.managed, postgres: pg.managed },
  };
  writeFileSync(STACK_JSON, `${JSON.stringify(info, null, 2)}\n`);
  const reused = kafka.reused && registry.reused && pg.reused;
  progress.say('stack', `${reused ? 'already up' : 'up'} in ${seconds(start)}; wrote ${STACK_JSON}`);
  return info;
}

/** Calls of this process share one `up` per broker count asked for. */
const upInFlight = new Map<number | undefined, Promise<StackInfo>>();

/** Start whatever is not running yet (reusing what is) and return the addresses. */
export function ensureStackUp(opts: StackOptions = {}): Promise<StackInfo> {
  const progress = createProgress(opts.quiet);
  const { brokers } = opts;
  let pending = upInFlight.get(brokers);
  if (!pending) {
    pending = serial(() => withLock(progress, () => up(progress, brokers))).finally(() => upInFlight.delete(brokers));
    upInFlight.set(brokers, pending);
  }
  return pending;
}

/** Stop what this stack started (never an external PostgreSQL). Returns the services stopped. */
export function stackDown(opts: StackOptions = {}): Promise<string[]> {
  const progress = createProgress(opts.quiet);
  return serial(() =>
    withLock(progress, async () => {
      const stopped: string[] = [];
      const [registry, kafka] = await allOrFail<[boolean, boolean]>([stopRegistry(progress), stopKafka(progress)]);
      if (registry) stopped.push('registry');
      if (kafka) stopped.push('kafka');
      if (await stopPostgres(progress)) stopped.push('postgres');
      return stopped;
    }),
  );
}

/** The last StackInfo written by `up`, if any. */
export function readStackInfo(): StackInfo | undefined {
  if (!existsSync(STACK_JSON)) return undefined;
  try {
    return JSON.parse(readFileSync(STACK_JSON, 'utf8')) as StackInfo;
  } catch {
    return undefined;
  }
}

export async function stackStatus(): Promise<ServiceStatus[]> {
  const info = readStackInfo();
  const pgUrl = info?.databaseUrl ?? process.env.DATABASE_URL ?? POSTGRES.defaultUrl;
  return Promise.all([postgresStatus(pgUrl), kafkaStatus(info?.kafkaBrokers?.length ?? 1), registryStatus()]);
}
