// Builds the edges every process needs (logger, Postgres, Kafka, registry codec) from a Config.
import type { Config } from './config.js';
import { createDb, isTransientDbError, migrate, type Db } from './db.js';
import { createEventCodec, isRegistryUnavailable, type EventCodec } from './events.js';
import { createKafkaClient, type KafkaClient } from './kafka.js';
import { createLogger, type Logger } from './logger.js';
import type { DestinationStream } from 'pino';
import { Registry } from 'prom-client';
import { topicSpecs, topicsFor, type Topics } from './topics.js';
import type { Dependency } from './unavailable.js';

export interface Runtime {
  config: Config;
  /** This process's Prometheus metrics (roles register theirs; served at /metrics). */
  metrics: Registry;
  log: Logger;
  db: Db;
  kafka: KafkaClient;
  codec: EventCodec;
  topics: Topics;
  close(): Promise<void>;
}

export function createRuntime(config: Config, service: string, logDestination?: DestinationStream): Runtime {
  const log = createLogger({ level: config.logLevel, name: service }, logDestination);
  const topics = topicsFor(config);
  const db = createDb(config.databaseUrl, 10, (err) => log.warn({ err: { message: err.message } }, 'idle database connection lost'));
  const kafka = createKafkaClient(config, log);
  return {
    config, log, db, kafka, topics,
    metrics: new Registry(),
    codec: createEventCodec(config.schemaRegistryUrl, topics),
    async close() {
      await kafka.close();
      await db.end();
    },
  };
}

/**
 * Idempotent preparation shared by every role: tables, topics, schemas. A dependency that is
 * not there yet (started in any order, restarting) is waited for with a log line per attempt,
 * so a role comes up by itself once it is, rather than crash-looping; an error that says
 * something is wrong (a migration that fails, a schema the registry refuses) still stops it.
 */
export async function prepare(rt: Runtime, wait: { retryMs?: (attempt: number) => number } = {}): Promise<void> {
  const untilAvailable = async <T>(dependency: Dependency, step: () => Promise<T>, transient: (err: unknown) => boolean): Promise<T> => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await step();
      } catch (err) {
        if (!transient(err)) throw err;
        const delayMs = (wait.retryMs ?? startupRetryMs)(attempt);
        rt.log.warn({ dependency, attempt, retryInMs: delayMs, err: { message: (err as Error)?.message } }, `waiting for ${dependency} before starting`);
        await new Promise((r) => setTimeout(r, delayMs));
      }
    }
  };
  const applied = await untilAvailable('postgres', () => migrate(rt.config.databaseUrl), isTransientDbError);
  if (applied.length) rt.log.info({ migrations: applied }, 'migrations applied');
  // Every Kafka error here is worth waiting out: brokers still starting, or fewer of them up
  // than the replication factor needs (the log line says which).
  await untilAvailable('kafka', () => rt.kafka.ensureTopics(topicSpecs(rt.config)), () => true);
  await untilAvailable('registry', () => rt.codec.registerSchemas(), isRegistryUnavailable);
}

/** 1 s, 2 s, 4 s… up to 10 s between attempts. */
export const startupRetryMs = (attempt: number): number => Math.min(10_000, 1_000 * 2 ** (attempt - 1));
