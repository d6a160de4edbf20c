// The one KafkaJS client every part (admin, reader, producers, consumers) is built from,
// with its log lines routed into ours at the level they deserve.
import { Kafka, logLevel as KafkaLogLevel, type LogEntry } from 'kafkajs';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';

/** Something the client must close on shutdown: producers, consumers, readers in flight. */
export interface Closable {
  close(): Promise<void>;
}

export function connectCluster(config: Config, log: Logger): Kafka {
  return new Kafka({
    clientId: config.kafka.clientId,
    brokers: config.kafka.brokers,
    logLevel: KafkaLogLevel.WARN,
    logCreator: kafkaLogCreator(log),
    retry: { initialRetryTime: 200, retries: 8 },
  });
}

function kafkaLogCreator(log: Logger) {
  return () => ({ namespace, level, log: entry }: LogEntry) => {
    const { message, ...rest } = entry;
    const fields = { component: 'kafkajs', namespace, ...rest };
    // The broker is still finishing the previous transaction; the alert evaluator retries.
    const expected = typeof rest.error === 'string' && rest.error.includes('concurrent operation on the same transaction');
    // Said of every idempotent producer whose retries are bounded. Ours are: a send that gives
    // up is re-sent by its caller as the same batch (checkOutbox.ts), or answered 503 (API).
    if (message.startsWith('Limiting retries for the idempotent producer')) return void log.debug(fields, message);
    if (level <= KafkaLogLevel.ERROR && !expected) log.error(fields, message);
    else if (level === KafkaLogLevel.WARN) log.warn(fields, message);
    else log.debug(fields, message);
  };
}
