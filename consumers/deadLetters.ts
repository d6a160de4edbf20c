// Dead letters: the original key and bytes, plus why and where from, in headers, so an
// admin can inspect and re-drive them after a fix. The consumer then moves on.
import type { EventProducer, IncomingRecord, OutgoingRecord } from '../platform/kafka.js';
import type { Logger } from '../platform/logger.js';
import type { Topics } from '../platform/topics.js';

export async function deadLetter(
  producer: EventProducer,
  topics: Topics,
  record: IncomingRecord,
  consumer: string,
  reason: string,
  log: Logger,
): Promise<void> {
  const dlq = topics.dlq(record.topic);
  await producer.send(dlq, [deadLetterRecord(record, consumer, reason)]);
  log.warn({ dlq, reason, partition: record.partition, offset: record.offset.toString() }, 'record sent to dead-letter topic');
}

/** The dead letter for a record (for consumers that send it inside their own Kafka transaction). */
export function deadLetterRecord(record: IncomingRecord, consumer: string, reason: string): OutgoingRecord {
  return {
    key: record.key ?? '',
    value: record.value ?? Buffer.alloc(0),
    headers: {
      'dlq-reason': reason,
      'dlq-consumer': consumer,
      'dlq-source-topic': record.topic,
      'dlq-source-partition': String(record.partition),
      'dlq-source-offset': record.offset.toString(),
      'dlq-at': new Date().toISOString(),
    },
  };
}
