// Group consumers: subscribe, hand each batch over with the controls a runtime needs (seek,
// heartbeat, commit), and come back by themselves after a crash KafkaJS will not recover
// from (whenToRestart). Nothing is committed unless the runtime asks: each decides where
// its truth about offsets lives.
import type { Consumer, Kafka } from 'kafkajs';
import type { Logger } from '../logger.js';
import type { KafkaClient, RunningConsumer } from '../kafka.js';
import type { Closable } from './cluster.js';
import { coPartitionedAssigner } from './coPartitionedAssigner.js';
import { incomingRecord } from './records.js';
import { whenToRestart } from './restartPolicy.js';
import { singleActiveAssigner } from './singleActiveAssigner.js';

export type GroupConsumers = KafkaClient['consume'];

export function groupConsumers(kafka: Kafka, deps: { sessionTimeoutMs: number; log: Logger; open: Set<Closable> }): GroupConsumers {
  const { sessionTimeoutMs, log, open } = deps;
  return async (opts) => {
    let current: Consumer | undefined;
    let stopped = false;
    let restartTimer: NodeJS.Timeout | undefined;
    let attempt = 0;
    let downSince = 0;
    const seek = (topic: string, partition: number, offset: bigint) =>
      current?.seek({ topic, partition, offset: offset.toString() });

    const start = async () => {
      const consumer = kafka.consumer({
        groupId: opts.groupId,
        allowAutoTopicCreation: false,
        sessionTimeout: sessionTimeoutMs,
        heartbeatInterval: Math.min(3_000, Math.floor(sessionTimeoutMs / 3)),
        maxWaitTimeInMs: 100,
        retry: { retries: 10 },
        ...(opts.coPartitioned ? { partitionAssigners: [coPartitionedAssigner] } : {}),
        ...(opts.singleActive ? { partitionAssigners: [singleActiveAssigner] } : {}),
      });
      let assigned: Promise<void> = Promise.resolve();
      consumer.on(consumer.events.GROUP_JOIN, (e) => {
        assigned = Promise.resolve(opts.onAssigned?.(e.payload.memberAssignment));
      });
      // KafkaJS gives up for good on "non-retriable" errors such as losing the broker for
      // longer than its retries; a long-running service must come back by itself. A crash
      // KafkaJS restarts itself, or of a consumer already replaced, is not ours to handle.
      consumer.on(consumer.events.CRASH, (e) => {
        if (e.payload.restart || consumer !== current) return;
        wentDown(e.payload.error);
      });
      current = consumer;
      await consumer.connect();
      await consumer.subscribe({ topics: opts.topics, fromBeginning: true });
      await consumer.run({
        // Resolving moves the in-memory fetch position only; nothing is committed to Kafka.
        autoCommit: false,
        eachBatchAutoResolve: true,
        partitionsConsumedConcurrently: opts.partitionsConcurrently ?? 1,
        eachBatch: async ({ batch, heartbeat, isStale }) => {
          await assigned;
          const records = batch.messages.map((m) => incomingRecord(batch.topic, batch.partition, m));
          const commit = async () => {
            const last = records[records.length - 1];
            if (last) await consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: (last.offset + 1n).toString() }]);
          };
          await opts.eachBatch(
            { topic: batch.topic, partition: batch.partition, records, highWatermark: BigInt(batch.highWatermark) },
            { seek, heartbeat, isStale, commit },
          );
        },
      });
    };

    /** The consumer crashed, or starting it again failed: the policy says when to try. */
    const wentDown = (err: unknown) => {
      attempt += 1;
      if (attempt === 1) downSince = Date.now();
      const decision = whenToRestart({ cause: 'crashed', attempt, stopping: stopped });
      if (!decision.restart) return;
      const seconds = decision.afterMs / 1000;
      log.error(
        { groupId: opts.groupId, attempt, downForMs: Date.now() - downSince, err: { message: (err as Error)?.message } },
        attempt === 1 ? `consumer crashed; recreating it in ${seconds} s` : `consumer restart failed; trying again in ${seconds} s`,
      );
      restartTimer = setTimeout(() => void restart(), decision.afterMs);
    };

    const restart = async (): Promise<void> => {
      restartTimer = undefined;
      if (stopped) return;
      await current?.disconnect().catch(() => undefined);
      try {
        await start();
        attempt = 0;
        // Stopped while this restart was joining: leave no member behind in the group.
        if (stopped) await current?.disconnect();
      } catch (err) {
        wentDown(err);
      }
    };

    await start();
    const handle: RunningConsumer & Closable = {
      seek,
      async stop() {
        stopped = true;
        clearTimeout(restartTimer);
        open.delete(handle);
        await current?.disconnect();
      },
      close: async () => handle.stop(),
    };
    open.add(handle);
    return handle;
  };
}
