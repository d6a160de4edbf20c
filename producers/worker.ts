// The check worker: a member of the `pulse-check-workers` consumer group over the lifecycle
// topic. Each worker checks the integrations of the partitions it is assigned. It never
// commits offsets: on every assignment it re-reads its partitions from the start, which
// rebuilds its schedule from the log (the topic is small and kept forever).
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Config } from '../platform/config.js';
import { isLifecycleEvent, UndecodableRecord, type EventCodec, type LifecycleEvent } from '../platform/events.js';
import type { KafkaClient } from '../platform/kafka.js';
import type { Logger } from '../platform/logger.js';
import type { Topics } from '../platform/topics.js';
import { createBatchPublisher } from './batchPublisher.js';
import { providerChecks } from './checks/index.js';
import { checkIntegration, type CheckIntegrationDeps } from './checkIntegration.js';
import { oauthIssuers } from './oauth/index.js';
import { createCredentialStore } from '../platform/credentialStore.js';
import type { Db } from '../platform/db.js';
import { CheckScheduler } from './scheduler.js';

export interface WorkerDeps {
  config: Config;
  db: Db;
  kafka: KafkaClient;
  codec: EventCodec;
  topics: Topics;
  log: Logger;
}

export interface RunningWorker {
  scheduler: CheckScheduler;
  stop(): Promise<void>;
}

export async function startCheckWorker(deps: WorkerDeps): Promise<RunningWorker> {
  const { config, kafka, codec, topics } = deps;
  const log = deps.log.child({ component: 'check-worker' });
  const producer = await kafka.producer();
  const publisher = createBatchPublisher(producer, topics.checks);
  const partitionOf = new Map<string, number>();
  const reauthAnnounced = new Map<string, string>();
  let assignedAt = Date.now();
  const checkDeps: CheckIntegrationDeps = {
    env: {
      timeoutMs: config.checks.timeoutMs,
      endpoints: { googleApis: config.providers.googleApis, slackApi: config.providers.slackApi },
      now: Date.now,
      monotonic: () => performance.now(),
      newId: randomUUID,
    },
    providers: providerChecks,
    credentials: createCredentialStore(deps.db, config.credentialKeys),
    issuers: oauthIssuers(config),
    refreshAheadMs: config.tokenRefreshAheadSeconds * 1000,
    reauthAnnounced,
    emit: async (event) => {
      await producer.send(topics.lifecycle, [await codec.encode(event)]);
      log.info({ integrationId: event.integrationId, event: event.type }, 'lifecycle event emitted');
    },
  };

  const scheduler = new CheckScheduler({
    now: Date.now,
    random: Math.random,
    setTimer: (fn, ms) => setTimeout(fn, ms).unref(),
    clearTimer: (h) => clearTimeout(h as NodeJS.Timeout),
    jitterRatio: config.checks.jitterRatio,
    maxConcurrent: 200,
    retry: config.retry,
    check: (integration, trigger, attempt, requestId) => checkIntegration(integration, trigger, attempt, checkDeps, requestId),
    publish: async (event) => {
      await publisher.publish(await codec.encode(event));
      log.debug({ integrationId: event.integrationId, outcome: event.outcome, durationMs: event.durationMs }, 'check published');
    },
    onError: (err, integrationId) => log.error({ integrationId, err: { message: (err as Error)?.message } }, 'check could not be published'),
  });

  const apply = (e: LifecycleEvent) => {
    if (e.type === 'IntegrationDisconnected') return scheduler.remove(e.integrationId);
    if (e.type === 'CredentialsRefreshed') return;
    if (e.type === 'ReauthRequired') return void reauthAnnounced.set(e.integrationId, e.reason);
    if (e.type === 'ReauthCompleted') {
      reauthAnnounced.delete(e.integrationId);
      // Re-check at once after a reconnect, but not for every old reconnect when re-reading the log.
      if (e.occurredAt >= assignedAt - 60_000) scheduler.checkNow(e.integrationId, 'manual');
      return;
    }
    const known = current.get(e.integrationId);
    if (e.type === 'IntegrationConnected') {
      current.set(e.integrationId, { integrationId: e.integrationId, userId: e.userId, provider: e.provider, config: e.config, checkIntervalSeconds: e.checkIntervalSeconds, connectedAt: e.occurredAt });
    } else if (known) {
      current.set(e.integrationId, { ...known, config: e.config ?? known.config, checkIntervalSeconds: e.checkIntervalSeconds ?? known.checkIntervalSeconds });
    }
    const next = current.get(e.integrationId);
    if (next) scheduler.upsert(next, next.connectedAt);
  };
  const current = new Map<string, Parameters<CheckScheduler['upsert']>[0] & { connectedAt: number }>();

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
      for (const record of batch.records) {
        try {
          const event = await codec.decode(record);
          if (event.type === 'CheckRequested') {
            // A command that waited a minute is moot (the user has moved on); the first run of a
            // group starts at the earliest command, so old ones are skipped here too.
            if (Date.now() - event.requestedAt < 60_000) scheduler.checkNow(event.integrationId, 'manual', event.requestId);
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
      // Commands run once: their position is committed (lifecycle never is; it is re-read).
      if (batch.topic === topics.commands) await control.commit();
    },
  });

  log.info('check worker started');
  return {
    scheduler,
    async stop() {
      scheduler.stop();
      await consumer.stop();
      await scheduler.idle();
      await publisher.flush();
      await producer.close();
    },
  };
}
