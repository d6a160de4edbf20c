// `npm run bench:alerts:live`: the alert evaluator on Kafka — checks/s it keeps up with, with the
// default rules, Kafka transactions and snapshots (DESIGN bar: 2,000 checks/s end to end).
// Throwaway topics and database. Usage: npm run bench:alerts:live -- [checks=50000]
import { randomUUID } from 'node:crypto';
import { runAlertEvaluator } from '../consumers/alertEvaluator.js';
import { seedDefaultAlertRules } from '../consumers/defaultAlertRules.js';
import type { HealthChecked } from '../health/events.js';
import { withBenchSandbox } from './sandbox.js';

const total = Number(process.argv[2] ?? 50_000);
const say = (s: string) => process.stderr.write(`${s}\n`);

function check(i: number, integrations: string[], t0: number): HealthChecked {
  const n = i % integrations.length;
  const failed = n % 20 === 0; // 5 % of integrations keep failing: alerts open, stay open
  const startedAt = t0 + i * 10;
  return {
    type: 'HealthChecked', eventId: randomUUID(), integrationId: integrations[n]!, userId: `user-${n % 500}`,
    provider: ['gmail', 'google_calendar', 'slack', 'http', 'mcp'][n % 5]!, trigger: 'scheduled', attempt: 1,
    startedAt, completedAt: startedAt + 90, durationMs: 90, outcome: failed ? 'failed' : 'succeeded', steps: [],
    httpStatus: failed ? 503 : 200, error: failed ? { code: 'server_error', message: 'HTTP 503', retryAfterSeconds: null } : null,
    quota: null, nextCheckAt: null, tokenExpiresAt: null, tokenRefreshable: true, requestId: null,
  };
}

async function main() {
  await withBenchSandbox({ LOG_LEVEL: 'warn' }, async (rt) => {
    const producer = await rt.kafka.producer();
    await seedDefaultAlertRules({ db: rt.db, codec: rt.codec, topics: rt.topics, producer, adminEmails: [], now: Date.now });
    const evaluator = await runAlertEvaluator({
      ...rt, now: Date.now, tickSeconds: 1,
      settings: { statusRules: rt.config.statusRules, flapping: { windowSeconds: 3600, transitions: 4, stableSeconds: 600 } },
    });
    const committedChecks = async () => (await rt.kafka.committedOffsets(rt.topics.group('pulse-alert-evaluator'), [rt.topics.checks]))
      .reduce((n, o) => n + Number(o.offset ?? 0n), 0);
    // Wait until the evaluator is live (it has committed something), so what follows is news, not history.
    while ((await rt.kafka.committedOffsets(rt.topics.group('pulse-alert-evaluator'), [rt.topics.clock, rt.topics.config])).every((o) => o.offset === null)) {
      await new Promise((r) => setTimeout(r, 200));
    }
    const integrations = Array.from({ length: 5_000 }, () => randomUUID());
    const t0 = Date.now();
    say(`producing ${total.toLocaleString()} HealthChecked (5,000 integrations, 5 % failing)…`);
    const s0 = performance.now();
    for (let i = 0; i < total; i += 5_000) {
      await producer.send(rt.topics.checks, await Promise.all(Array.from({ length: Math.min(5_000, total - i) }, (_, k) => rt.codec.encode(check(i + k, integrations, t0)))));
    }
    say(`  produced in ${((performance.now() - s0) / 1000).toFixed(1)} s; waiting for the evaluator to commit them all…`);
    for (;;) {
      const done = await committedChecks();
      process.stderr.write(`\r  ${done.toLocaleString()} / ${total.toLocaleString()} evaluated`);
      if (done >= total) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    const seconds = (performance.now() - s0) / 1000;
    const { rows } = await rt.db.query('SELECT count(*)::int AS n FROM alert_evaluator_state');
    say('');
    console.log(JSON.stringify({ checks: total, seconds: Number(seconds.toFixed(1)), checksPerSecond: Math.round(total / seconds), bar: 2000, met: total / seconds >= 2000, snapshotEntries: rows[0].n }, null, 2));
    await evaluator.stop();
    await producer.close();
  });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
