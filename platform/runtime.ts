// Builds the edges every process needs (logger, Postgres, Kafka, registry codec) from a Config.
import type { Config } from './config.js';
import { createDb, migrate, type Db } from './db.js';
import { createEventCodec, type EventCodec } from './events.js';
import { createKafkaClient, type KafkaClient } from './kafka.js';
import { createLogger, type Logger } from './logger.js';
import type { DestinationStream } from 'pino';
import { topicSpecs, topicsFor, type Topics } from './topics.js';

export interface Runtime {
  config: Config;
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
    codec: createEventCodec(config.schemaRegistryUrl, topics),
    async close() {
      await kafka.close();
      await db.end();
    },
  };
}

/** Idempotent preparation shared by every role: tables, topics, schemas. */
export async function prepare(rt: Runtime): Promise<void> {
  const applied = await migrate(rt.config.databaseUrl);
  if (applied.length) rt.log.info({ migrations: applied }, 'migrations applied');
  await rt.kafka.ensureTopics(topicSpecs(rt.config));
  await rt.codec.registerSchemas();
}
