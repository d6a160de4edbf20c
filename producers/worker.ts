// The check worker: a member of the `pulse-check-workers` consumer group over the lifecycle
// topic. Each worker checks the integrations of the partitions it is assigned. It never
// commits lifecycle offsets: on every assignment it re-reads its partitions from the start,
// which rebuilds its schedule from the log (the topic is small and kept forever). Everything
// it produces goes through the check outbox, so a Kafka outage delays facts, never drops them;
// a command's offset is committed only once the check it asked for is acked.
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Config } from '../platform/config.js';
import { UndecodableRecord, type EventCodec } from '../platform/events.js';
import { isLifecycleEvent, type LifecycleEvent } from '../health/events.js';
import { evolveIntegration, type Integration } from '../health/integrationLifecycle.js';
import type { BatchControl, KafkaClient, OutgoingRecord } from '../platform/kafka.js';
import type { Logger } from '../platform/logger.js';
import type { Topics } from '../platform/topics.js';
import { createCheckOutbox, type CheckOutboxStats } from './checkOutbox.js';
import { providerChecks } from './checks/index.js';
import { checkIntegration, type CheckIntegrationDeps } from './checkIntegration.js';
import { oauthIssuers } from './oauth/index.js';
import { createCredentialStore } from '../platform/credentialStore.js';
import type { Db } from '../platform/db.js';
import { egressFromConfig, type EgressRoutes } from '../platform/egress/index.js';
import { CheckScheduler, type CheckSettled } from './scheduler.js';

export interface WorkerDeps {
  config: Config;
  db: Db;
  kafka: KafkaClient;
  codec: EventCodec;
  topics: Topics;
  log: Logger;
  /** Where checks may connect; built from config when not given (tests give a resolver of their own). */
  egress?: EgressRoutes;
}

export interface RunningWorker {
  scheduler: CheckScheduler;
  /** For metrics: what waits for Kafka, and the check slots skipped while the outbox was full. */
  stats(): CheckOutboxStats & { skippedSlots: number };
  stop(): Promise<void>;
}

/** How long shutdown waits for Kafka to ack what the outbox holds. */
const SHUTDOWN_FLUSH_MS = 10_000;
/**
 * Heartbeats while a commands batch waits for its checks' acks, so the group keeps us. KafkaJS
 * sends one only when its own heartbeat interval has passed, so asking often costs nothing.
 */
const HEARTBEAT_EVERY_MS = 1_000;
/** What the scheduler needs of an integration. */
const scheduledBy = ['integrationId', 'userId', 'provider', 'config', 'checkIntervalSeconds', 'state', 'connectedAt'] as const;
type ScheduledBy = (typeof scheduledBy)[number];
/** Heartbeat answers that mean the group is moving partitions: stop waiting, commit nothing. */
const rebalancing = new Set(['REBALANCE_IN_PROGRESS', 'ILLEGAL_GENERATION', 'UNKNOWN_MEMBER_ID', 'FENCED_INSTANCE_ID']);

export async function startCheckWorker(deps: WorkerDeps): Promise<RunningWorker> {
  const { config, kafka, codec, topics } = deps;
  const log = deps.log.child({ component: 'check-worker' });
  const egress = deps.egress ?? egressFromConfig(config);
  // Seconds of KafkaJS retries, not a minute: then the outbox re-sends the batch itself.
  const producer = await kafka.producer({ patience: 'request' });
  const partitioners = new Map([[topics.checks, await kafka.partitioner(topics.checks)], [topics.lifecycle, await kafka.partitioner(topics.lifecycle)]]);
  /** Records go to the partition their key gives anyway; naming it lets the outbox batch by partition. */
  const placed = (topic: string, record: OutgoingRecord): OutgoingRecord => ({ ...record, partition: partitioners.get(topic)?.(record.key) });
  const outbox = createCheckOutbox({
    producer,
    laneOf: (_topic, record) => String(record.partition),
    backoff: { baseMs: 250, capMs: 5_000 },
    capacity: config.checks.outboxCapacity,
    now: Date.now,
    random: Math.random,
    // Not unref'd: a retry or the shutdown flush keeps the process alive until it is done.
    setTimer: (fn, ms) => setTimeout(fn, ms),
    clearTimer: (h) => clearTimeout(h as NodeJS.Timeout),
    log,
    onFullChange: (full) => {
      if (full) log.warn(outbox.stats(), 'check outbox full');
      else log.info(outbox.stats(), 'check outbox has room again');
      scheduler.setOutboxFull(full);
    },
  });
  const partitionOf = new Map<string, number>();
  const reauthAnnounced = new Map<string, string>();
  let assignedAt = Date.now();
  let stopping = false;
  let wakeOnStop: () => void = () => undefined;
  const stopSignal = new Promise<'stopping'>((resolve) => (wakeOnStop = () => resolve('stopping')));

  const checkDeps: CheckIntegrationDeps = {
    env: {
      timeoutMs: config.checks.timeoutMs,
      endpoints: { googleApis: config.providers.googleApis, slackApi: config.providers.slackApi },
      network: { targets: egress.targets, providers: egress.providers },
      now: Date.now,
      monotonic: () => performance.now(),
      newId: randomUUID,
    },
    providers: providerChecks,
    credentials: createCredentialStore(deps.db, config.credentialKeys),
    issuers: oauthIssuers(config, Date.now, egress.providers),
    refreshAheadMs: config.tokenRefreshAheadSeconds * 1000,
    reauthAnnounced,
    // Resolves once the event is in the outbox (it is sent whenever Kafka takes it), so a check
    // does not wait out an outage. Only a failed encoding loses it: then a ReauthRequired is
    // forgotten as announced, and the next check that sees the cause announces it again.
    emit: async (event) => {
      let record;
      try {
        record = await codec.encode(event);
      } catch (err) {
        if (event.type === 'ReauthRequired' && reauthAnnounced.get(event.integrationId) === event.reason) reauthAnnounced.delete(event.integrationId);
        throw err;
      }
      void outbox.offer(topics.lifecycle, placed(topics.lifecycle, record)).then(() => log.info({ integrationId: event.integrationId, event: event.type }, 'lifecycle event emitted'));
    },
  };

  const beingEncoded = new Set<Promise<unknown>>();
  const scheduler = new CheckScheduler({
    now: Date.now,
    random: Math.random,
    setTimer: (fn, ms) => setTimeout(fn, ms).unref(),
    clearTimer: (h) => clearTimeout(h as NodeJS.Timeout),
    jitterRatio: config.checks.jitterRatio,
    maxConcurrent: 200,
    retry: config.retry,
    log,
    check: (integration, trigger, attempt, requestId) => checkIntegration(integration, trigger, attempt, checkDeps, requestId),
    publish: async (event) => {
      // Until it is in the outbox, a result lives only in this promise: stop() waits for it.
      const encoding = codec.encode(event);
      encoding.catch(() => undefined).finally(() => beingEncoded.delete(encoding));
      beingEncoded.add(encoding);
      await outbox.offer(topics.checks, placed(topics.checks, await encoding));
      log.debug({ integrationId: event.integrationId, outcome: event.outcome, durationMs: event.durationMs }, 'check published');
    },
    // A provider's failure is a fact like any other; this is a check that could not run
    // (e.g. the credential store unreachable) or a result that could not be encoded.
    onError: (err, integrationId) => log.error({ integrationId, err: { message: (err as Error)?.message } }, 'check produced no result'),
  });

  /**
   * Waits until every requested check of a commands batch has settled, heartbeating meanwhile.
   * Answers false when the offsets must not be committed: the worker is stopping or the group
   * is rebalancing (the commands come back to whoever owns them; here, a remembered requestId
   * waits for its first run instead of running again).
   */
  const requestedChecksSettled = async (requested: { requestId: string; settled: Promise<CheckSettled> }[], control: BatchControl): Promise<boolean> => {
    if (!requested.length) return true;
    let leave: (why: 'rebalancing') => void = () => undefined;
    const rebalanced = new Promise<'rebalancing'>((resolve) => (leave = resolve));
    const beat = setInterval(() => {
      control.heartbeat().catch((err: { type?: string }) => {
        if (err?.type && rebalancing.has(err.type)) leave('rebalancing');
      });
    }, HEARTBEAT_EVERY_MS);
    try {
      const outcome = await Promise.race([Promise.all(requested.map((r) => r.settled)), stopSignal, rebalanced]);
      if (!Array.isArray(outcome)) {
        log.info({ requests: requested.length, reason: outcome }, 'commands not committed: left waiting for their checks');
        return false;
      }
      outcome.forEach((how, i) => {
        if (how === 'failed') log.warn({ requestId: requested[i]?.requestId }, 'requested check produced no result; its command is committed');
      });
      return true;
    } finally {
      clearInterval(beat);
    }
  };

  // What each integration is, by the one lifecycle fold; the scheduler runs the active ones.
  const current = new Map<string, Pick<Integration, ScheduledBy>>();
  const apply = (e: LifecycleEvent) => {
    const next = evolveIntegration(current.get(e.integrationId), e, scheduledBy);
    if (next) current.set(e.integrationId, next);
    if (e.type === 'IntegrationDisconnected') return scheduler.remove(e.integrationId);
    if (e.type === 'ReauthRequired') return void reauthAnnounced.set(e.integrationId, e.reason);
    if (e.type === 'ReauthCompleted') {
      reauthAnnounced.delete(e.integrationId);
      // Re-check at once after a reconnect, but not for every old reconnect when re-reading the log.
      if (e.occurredAt >= assignedAt - 60_000) void scheduler.checkNow(e.integrationId, 'manual');
      return;
    }
    // Only a connect or an update changes what is scheduled, and a disconnected one stays off.
    if ((e.type === 'IntegrationConnected' || e.type === 'IntegrationUpdated') && next?.state === 'active') scheduler.upsert(next, next.connectedAt);
  };

  const consumer = await kafka.consume({
    groupId: topics.group('pulse-check-workers'),
    topics: [topics.lifecycle, topics.commands],
    coPartitioned: true,
    onAssigned: (assignment) => {
      const mine = new Set(assignment[topics.lifecycle] ?? []);
      assignedAt = Date.now();
      scheduler.retain((id) => mine.has(partitionOf.get(id) ?? -1));
      for (const [id, p] of partitionOf) if (!mine.has(p)) { partitionOf.delete(id); current.delete(id); }
      log.info({ partitions: [...mine] }, 'partitions assigned');
    },
    eachBatch: async (batch, control) => {
      const requested: { requestId: string; settled: Promise<CheckSettled> }[] = [];
      for (const record of batch.records) {
        try {
          const event = await codec.decode(record);
          if (event.type === 'CheckRequested') {
            // A redelivered command waits for its first run. A new one that waited a minute is
            // moot (the user has moved on); the first run of a group starts at the earliest
            // command, so old ones are skipped here too.
            const settled = scheduler.requested(event.requestId) ??
              (Date.now() - event.requestedAt < 60_000 ? scheduler.checkNow(event.integrationId, 'manual', event.requestId) : undefined);
            if (settled) requested.push({ requestId: event.requestId, settled });
            continue;
          }
          if (!isLifecycleEvent(event)) continue;
          partitionOf.set(event.integrationId, record.partition);
          apply(event);
        } catch (err) {
          // The projector dead-letters poison records; the worker just skips them.
          if (!(err instanceof UndecodableRecord)) throw err;
          log.warn({ partition: record.partition, offset: record.offset.toString(), reason: err.message }, 'skipping undecodable lifecycle record');
        }
      }
      // Commands run once: their position is committed once their checks are acked (lifecycle
      // never is; it is re-read).
      if (batch.topic !== topics.commands || stopping) return;
      if (!(await requestedChecksSettled(requested, control))) return;
      try {
        await control.commit();
      } catch (err) {
        // Redelivered later; a remembered requestId does not run again.
        log.warn({ partition: batch.partition, err: { message: (err as Error)?.message } }, 'command offsets not committed');
      }
    },
  });

  log.info('check worker started');
  return {
    scheduler,
    stats: () => ({ ...outbox.stats(), skippedSlots: scheduler.skippedSlots }),
    async stop() {
      stopping = true;
      wakeOnStop();
      scheduler.stop();
      await consumer.stop();
      await scheduler.idle();
      await Promise.allSettled([...beingEncoded]);
      const unsent = await outbox.flush(SHUTDOWN_FLUSH_MS);
      if (unsent) log.error({ records: unsent, waitedMs: SHUTDOWN_FLUSH_MS }, 'check outbox not empty at shutdown; these records are lost');
      outbox.stop();
      await producer.close();
      if (!deps.egress) await egress.close();
    },
  };
}
