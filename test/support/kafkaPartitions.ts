// Where Pulse's producers put a key, for tests that need two records on one partition.
import kafkajs from 'kafkajs';

/** The partition Kafka's default partitioner (the one Pulse's producers use) picks for `key`. */
export function partitionOf(key: string, partitions: number): number {
  const partitioner = kafkajs.Partitioners.DefaultPartitioner();
  const partitionMetadata = Array.from({ length: partitions }, (_, partitionId) => ({ partitionId, leader: 0, partitionErrorCode: 0, replicas: [0], isr: [0] }));
  return partitioner({ topic: 'any', partitionMetadata, message: { key, value: null } });
}
