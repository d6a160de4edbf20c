// Keeps one timer per integration this worker owns, runs checks when due (at most
// `maxConcurrent` at once) and hands each result, stamped with its next check time, to
// `publish`. A check's slot is freed as soon as its result is handed over: waiting for Kafka is
// the outbox's job, and while the outbox is full routine slots are skipped (and counted), not
// queued. Clock, timers and randomness are passed in so tests drive time directly.
import type { HealthChecked } from '../health/events.js';
import type { CheckTrigger } from '../schemas/types.generated.js';
import type { CheckResult, ScheduledIntegration } from './runCheck.js';
import { firstCheckDelayMs, nextAfter, nextCheckDelayMs, type RetryPolicy } from './schedule.js';

export interface SchedulerLog {
  warn(fields: object, msg: string): void;
  info(fields: object, msg: string): void;
}

export interface SchedulerDeps {
  now(): number;
  random(): number;
  setTimer(fn: () => void, ms: number): unknown;
  clearTimer(handle: unknown): void;
  check(integration: ScheduledIntegration, trigger: CheckTrigger, attempt: number, requestId: string | null): Promise<CheckResult>;
  /** Resolves once the result is acked by Kafka (rejects only if it could not even be handed over). */
  publish(event: HealthChecked): Promise<void>;
  onError(err: unknown, integrationId: string): void;
  jitterRatio: number;
  maxConcurrent: number;
  retry: RetryPolicy;
  log?: SchedulerLog;
  /** How many manual requests are remembered, so a redelivered command does not run twice. */
  rememberedRequests?: number;
}

/**
 * How a requested check ended: its result acked; moot (the integration is unknown, removed or
 * changed, or another request superseded it, so there is nothing to wait for); failed (the
 * check threw or its result could not be encoded); stopped (the scheduler stopped first).
 */
export type CheckSettled = 'acked' | 'moot' | 'failed' | 'stopped';
type Settle = (how: CheckSettled) => void;

interface Entry {
  integration: ScheduledIntegration;
  timer: unknown;
  /** Bumped on every change, so an outdated run neither re-arms nor settles newer requests. */
  generation: number;
  /** Disconnected by its owner: a result still in flight is dropped, not published. */
  disconnected?: boolean;
  /** Callers waiting for the requested check of this generation that has not started yet. */
  pending: Settle[];
}

interface Job {
  id: string;
  generation: number;
  trigger: CheckTrigger;
  attempt: number;
  requestId: string | null;
  /** Asked for (checkNow), as opposed to a routine slot or a retry: never skipped. */
  requested: boolean;
}

export class CheckScheduler {
  private readonly entries = new Map<string, Entry>();
  private readonly waiting: Job[] = [];
  private running = 0;
  private idleWaiters: (() => void)[] = [];
  private readonly requests = new Map<string, Promise<CheckSettled>>();
  private stopped = false;
  private outboxIsFull = false;
  private skippedTotal = 0;
  /** The current run of skipped slots, reported in one line when the outbox has room again. */
  private skipping: { since: number; slots: number; integrations: Set<string> } | null = null;

  constructor(private readonly deps: SchedulerDeps) {}

  get size(): number {
    return this.entries.size;
  }

  /** Routine and retry slots skipped because the outbox was full, since start. */
  get skippedSlots(): number {
    return this.skippedTotal;
  }

  has(integrationId: string): boolean {
    return this.entries.has(integrationId);
  }

  /** Adds or changes an integration. A change of settings triggers a check at once. */
  upsert(integration: ScheduledIntegration, connectedAt: number): void {
    if (this.stopped) return; // a lifecycle batch still in hand while the worker stops
    const existing = this.entries.get(integration.integrationId);
    if (existing && sameSettings(existing.integration, integration)) return;
    const delay = existing ? 0 : firstCheckDelayMs(connectedAt, this.deps.now(), integration.checkIntervalSeconds, this.deps.random);
    if (existing) {
      this.deps.clearTimer(existing.timer);
      this.supersede(existing);
    }
    const entry: Entry = { integration, timer: undefined, generation: (existing?.generation ?? 0) + 1, pending: [] };
    this.entries.set(integration.integrationId, entry);
    this.arm(entry, delay, 'scheduled', 1);
  }

  /**
   * Checks an integration as soon as a slot is free (manual check, reconnect completed), even
   * while the outbox is full. Settles once the result is acked, or when there is nothing to
   * wait for. A requestId already seen gets the first request's settlement: it never runs twice.
   */
  checkNow(integrationId: string, trigger: CheckTrigger, requestId: string | null = null): Promise<CheckSettled> {
    const known = requestId === null ? undefined : this.requests.get(requestId);
    if (known) return known;
    const entry = this.entries.get(integrationId);
    if (!entry) return Promise.resolve(this.ended);
    this.deps.clearTimer(entry.timer);
    this.supersede(entry);
    const settled = new Promise<CheckSettled>((resolve) => entry.pending.push(resolve));
    this.arm(entry, 0, trigger, 1, requestId, true);
    if (requestId !== null) this.remember(requestId, settled);
    return settled;
  }

  /** The settlement of a request this scheduler has taken, if it still remembers it. */
  requested(requestId: string): Promise<CheckSettled> | undefined {
    return this.requests.get(requestId);
  }

  /** The outbox says whether it is full; while it is, routine and retry slots are skipped. */
  setOutboxFull(full: boolean): void {
    if (full === this.outboxIsFull) return;
    this.outboxIsFull = full;
    if (full || !this.skipping) return;
    const { since, slots, integrations } = this.skipping;
    this.skipping = null;
    this.deps.log?.info({ skippedSlots: slots, integrations: integrations.size, forMs: this.deps.now() - since }, 'check slots skipped while Kafka was unavailable');
  }

  /** The integration is disconnected: no more checks, and a result still in flight is dropped. */
  remove(integrationId: string): void {
    this.forget(integrationId, true);
  }

  /**
   * Drops every integration for which `keep` is false (e.g. partitions moved to another worker).
   * A check of theirs already running still publishes its result: it happened.
   */
  retain(keep: (integrationId: string) => boolean): void {
    for (const id of [...this.entries.keys()]) if (!keep(id)) this.forget(id, false);
  }

  stop(): void {
    this.stopped = true;
    for (const id of [...this.entries.keys()]) this.forget(id, false);
    this.waiting.length = 0;
  }

  /** Resolves when no check is running or waiting (for orderly shutdown). */
  idle(): Promise<void> {
    if (this.running === 0 && this.waiting.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private forget(integrationId: string, disconnected: boolean): void {
    const entry = this.entries.get(integrationId);
    if (!entry) return;
    this.deps.clearTimer(entry.timer);
    this.supersede(entry);
    entry.disconnected = disconnected;
    this.entries.delete(integrationId);
  }

  private get ended(): CheckSettled {
    return this.stopped ? 'stopped' : 'moot';
  }

  /** The current generation is outdated: whoever waits on its requested check stops waiting. */
  private supersede(entry: Entry): void {
    entry.generation++;
    settleAll(entry.pending.splice(0), this.ended);
  }

  private remember(requestId: string, settled: Promise<CheckSettled>): void {
    this.requests.set(requestId, settled);
    const limit = this.deps.rememberedRequests ?? 10_000;
    for (const oldest of this.requests.keys()) {
      if (this.requests.size <= limit) break;
      this.requests.delete(oldest);
    }
  }

  private arm(entry: Entry, delayMs: number, trigger: CheckTrigger, attempt: number, requestId: string | null = null, requested = false): void {
    const { generation } = entry;
    const id = entry.integration.integrationId;
    entry.timer = this.deps.setTimer(() => this.enqueue({ id, generation, trigger, attempt, requestId, requested }), delayMs);
  }

  private enqueue(job: Job): void {
    this.waiting.push(job);
    this.drain();
  }

  private drain(): void {
    while (this.running < this.deps.maxConcurrent && this.waiting.length) {
      const job = this.waiting.shift() as Job;
      const entry = this.entries.get(job.id);
      if (!entry || entry.generation !== job.generation) continue;
      if (this.outboxIsFull && !job.requested) {
        this.skip(entry);
        continue;
      }
      this.running++;
      void this.execute(entry, job).finally(() => {
        this.running--;
        this.drain();
        if (this.running === 0 && this.waiting.length === 0) this.idleWaiters.splice(0).forEach((r) => r());
      });
    }
  }

  /** Not checked now: its result could only join a full outbox. Comes back at its routine interval. */
  private skip(entry: Entry): void {
    const id = entry.integration.integrationId;
    this.skippedTotal++;
    if (!this.skipping) {
      this.skipping = { since: this.deps.now(), slots: 0, integrations: new Set() };
      this.deps.log?.warn({ integrationId: id }, 'check outbox full; skipping check slots until Kafka takes results again');
    }
    this.skipping.slots++;
    this.skipping.integrations.add(id);
    this.arm(entry, nextCheckDelayMs(entry.integration.checkIntervalSeconds, this.deps.jitterRatio, this.deps.random), 'scheduled', 1);
  }

  private async execute(entry: Entry, job: Job): Promise<void> {
    const { integration, generation } = entry;
    const waiters = entry.pending.splice(0);
    let armed = false;
    try {
      const result = await this.deps.check(integration, job.trigger, job.attempt, job.requestId);
      const current = this.entries.get(integration.integrationId);
      const outdated = current !== entry || entry.generation !== generation;
      // A check that ran is a fact, even when its run is outdated — the worker is stopping (it
      // flushes its outbox before it exits), the partition moved, the settings changed or a
      // manual check superseded it: published, with no next check to announce (the current run
      // announces its own). Only a disconnected integration's result is dropped.
      if (outdated && entry.disconnected) return settleAll(waiters, this.ended);
      let nextCheckAt: number | null = null;
      if (!outdated) {
        const next = nextAfter(result, integration.checkIntervalSeconds, this.deps.jitterRatio, this.deps.retry, this.deps.random);
        nextCheckAt = this.deps.now() + next.delayMs;
        this.arm(entry, next.delayMs, next.trigger, next.attempt);
        armed = true;
      }
      // Not awaited: the slot is free once the result is handed over.
      this.deps.publish({ ...result, nextCheckAt }).then(
        () => settleAll(waiters, 'acked'),
        (err: unknown) => {
          this.deps.onError(err, integration.integrationId);
          settleAll(waiters, 'failed');
        },
      );
    } catch (err) {
      this.deps.onError(err, integration.integrationId);
      settleAll(waiters, 'failed');
      if (!armed && this.entries.get(integration.integrationId) === entry && entry.generation === generation) {
        this.arm(entry, nextCheckDelayMs(integration.checkIntervalSeconds, this.deps.jitterRatio, this.deps.random), 'scheduled', 1);
      }
    }
  }
}

function settleAll(waiters: Settle[], how: CheckSettled): void {
  for (const settle of waiters) settle(how);
}

function sameSettings(a: ScheduledIntegration, b: ScheduledIntegration): boolean {
  return a.checkIntervalSeconds === b.checkIntervalSeconds && a.provider === b.provider && a.userId === b.userId &&
    JSON.stringify(a.config) === JSON.stringify(b.config);
}
