// Keeps one timer per integration this worker owns, runs checks when due (at most
// `maxConcurrent` at once) and hands each result, stamped with its next check time, to
// `publish`. Clock, timers and randomness are passed in so tests drive time directly.
import type { HealthChecked } from '../platform/events.js';
import type { CheckTrigger } from '../schemas/types.generated.js';
import type { CheckResult, ScheduledIntegration } from './runCheck.js';
import { firstCheckDelayMs, nextAfter, nextCheckDelayMs, type RetryPolicy } from './schedule.js';

export interface SchedulerDeps {
  now(): number;
  random(): number;
  setTimer(fn: () => void, ms: number): unknown;
  clearTimer(handle: unknown): void;
  check(integration: ScheduledIntegration, trigger: CheckTrigger, attempt: number, requestId: string | null): Promise<CheckResult>;
  publish(event: HealthChecked): Promise<void>;
  onError(err: unknown, integrationId: string): void;
  jitterRatio: number;
  maxConcurrent: number;
  retry: RetryPolicy;
}

interface Entry {
  integration: ScheduledIntegration;
  timer: unknown;
  /** Bumped on every change, so a result of an outdated run is dropped. */
  generation: number;
}

export class CheckScheduler {
  private readonly entries = new Map<string, Entry>();
  private readonly waiting: { id: string; generation: number; trigger: CheckTrigger; attempt: number; requestId: string | null }[] = [];
  private running = 0;
  private idleWaiters: (() => void)[] = [];

  constructor(private readonly deps: SchedulerDeps) {}

  get size(): number {
    return this.entries.size;
  }

  has(integrationId: string): boolean {
    return this.entries.has(integrationId);
  }

  /** Adds or changes an integration. A change of settings triggers a check at once. */
  upsert(integration: ScheduledIntegration, connectedAt: number): void {
    const existing = this.entries.get(integration.integrationId);
    if (existing && sameSettings(existing.integration, integration)) return;
    const delay = existing ? 0 : firstCheckDelayMs(connectedAt, this.deps.now(), integration.checkIntervalSeconds, this.deps.random);
    if (existing) this.deps.clearTimer(existing.timer);
    const entry: Entry = { integration, timer: undefined, generation: (existing?.generation ?? 0) + 1 };
    this.entries.set(integration.integrationId, entry);
    this.arm(entry, delay, 'scheduled', 1);
  }

  /** Checks an integration as soon as a slot is free (manual check, reconnect completed). */
  checkNow(integrationId: string, trigger: CheckTrigger, requestId: string | null = null): boolean {
    const entry = this.entries.get(integrationId);
    if (!entry) return false;
    this.deps.clearTimer(entry.timer);
    entry.generation++;
    this.arm(entry, 0, trigger, 1, requestId);
    return true;
  }

  remove(integrationId: string): void {
    const entry = this.entries.get(integrationId);
    if (!entry) return;
    this.deps.clearTimer(entry.timer);
    this.entries.delete(integrationId);
  }

  /** Drops every integration for which `keep` is false (e.g. partitions moved to another worker). */
  retain(keep: (integrationId: string) => boolean): void {
    for (const id of [...this.entries.keys()]) if (!keep(id)) this.remove(id);
  }

  stop(): void {
    for (const id of [...this.entries.keys()]) this.remove(id);
    this.waiting.length = 0;
  }

  /** Resolves when no check is running or waiting (for orderly shutdown). */
  idle(): Promise<void> {
    if (this.running === 0 && this.waiting.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private arm(entry: Entry, delayMs: number, trigger: CheckTrigger, attempt: number, requestId: string | null = null): void {
    const { generation } = entry;
    const id = entry.integration.integrationId;
    entry.timer = this.deps.setTimer(() => this.enqueue(id, generation, trigger, attempt, requestId), delayMs);
  }

  private enqueue(id: string, generation: number, trigger: CheckTrigger, attempt: number, requestId: string | null): void {
    this.waiting.push({ id, generation, trigger, attempt, requestId });
    this.drain();
  }

  private drain(): void {
    while (this.running < this.deps.maxConcurrent && this.waiting.length) {
      const job = this.waiting.shift() as (typeof this.waiting)[number];
      const entry = this.entries.get(job.id);
      if (!entry || entry.generation !== job.generation) continue;
      this.running++;
      void this.execute(entry, job.trigger, job.attempt, job.requestId).finally(() => {
        this.running--;
        this.drain();
        if (this.running === 0 && this.waiting.length === 0) this.idleWaiters.splice(0).forEach((r) => r());
      });
    }
  }

  private async execute(entry: Entry, trigger: CheckTrigger, attempt: number, requestId: string | null): Promise<void> {
    const { integration, generation } = entry;
    let armed = false;
    try {
      const result = await this.deps.check(integration, trigger, attempt, requestId);
      const current = this.entries.get(integration.integrationId);
      if (current !== entry || entry.generation !== generation) return; // removed or changed meanwhile
      const next = nextAfter(result, integration.checkIntervalSeconds, this.deps.jitterRatio, this.deps.retry, this.deps.random);
      const nextCheckAt = this.deps.now() + next.delayMs;
      this.arm(entry, next.delayMs, next.trigger, next.attempt);
      armed = true;
      await this.deps.publish({ ...result, nextCheckAt });
    } catch (err) {
      this.deps.onError(err, integration.integrationId);
      if (!armed && this.entries.get(integration.integrationId) === entry && entry.generation === generation) {
        this.arm(entry, nextCheckDelayMs(integration.checkIntervalSeconds, this.deps.jitterRatio, this.deps.random), 'scheduled', 1);
      }
    }
  }
}

function sameSettings(a: ScheduledIntegration, b: ScheduledIntegration): boolean {
  return a.checkIntervalSeconds === b.checkIntervalSeconds && a.provider === b.provider && a.userId === b.userId &&
    JSON.stringify(a.config) === JSON.stringify(b.config);
}
