// What a check worker tells Prometheus: how much its outbox holds while Kafka does not take
// results, whether it is full (checks paused), and how many slots it skipped meanwhile.
// Read from the worker on each scrape, so the numbers are never stale.
import { Counter, Gauge, type Registry } from 'prom-client';
import type { RunningWorker } from './worker.js';

export function registerWorkerMetrics(registry: Registry, worker: Pick<RunningWorker, 'stats'>): void {
  const registers = [registry];
  new Gauge({
    name: 'pulse_check_outbox_records', help: 'Check results and lifecycle events waiting for Kafka to ack them', registers,
    collect() { this.set(worker.stats().buffered); },
  });
  new Gauge({
    name: 'pulse_check_outbox_full', help: '1 while the outbox is full and routine checks are skipped', registers,
    collect() { this.set(worker.stats().full ? 1 : 0); },
  });
  new Gauge({
    name: 'pulse_check_outbox_oldest_seconds', help: 'How long the oldest waiting record has waited', registers,
    collect() { this.set(worker.stats().oldestWaitingMs / 1000); },
  });
  new Counter({
    name: 'pulse_check_slots_skipped_total', help: 'Routine and retry check slots skipped because the outbox was full', registers,
    collect() { this.reset(); this.inc(worker.stats().skippedSlots); },
  });
  new Counter({
    name: 'pulse_check_outbox_send_failures_total', help: 'Sends Kafka refused (each is retried with the same batch)', registers,
    collect() { this.reset(); this.inc(worker.stats().sendFailures); },
  });
}
