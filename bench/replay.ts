// `npm run bench`: how fast Pulse rebuilds projections from the log (DESIGN bar: ≥ 25,000
// events/s replayed into Postgres, stretch 50,000). Produces N HealthChecked events to
// throwaway topics and a throwaway database, replays each checks projection, prints figures.
// Usage: npm run bench -- [events=100000]
import { randomUUID } from 'node:crypto';
import { startReplay } from '../consumers/replay.js';
import type { HealthChecked } from '../health/events.js';
import { healthHistoryProjection } from '../projections/healthHistory.js';
import { integrationHealthProjection } from '../projections/integrationHealth.js';
import { withBenchSandbox } from './sandbox.js';

const total = Number(process.argv[2] ?? 100_000);
const say = (s: string) => process.stderr.write(`${s}\n`);

function event(i: number, integrations: string[], t0: number): HealthChecked {
  const failed = i % 10 === 0;
  const startedAt = t0 + i * 50;
  const durationMs = 20 + (i % 300);
  return {
    type: 'HealthChecked', eventId: randomUUID(), integrationId: integrations[i % integrations.length] as string, userId: 'bench',
    provider: ['gmail', 'google_calendar', 'slack', 'http', 'mcp'][i % 5] as string, trigger: 'scheduled', attempt: 1,
    startedAt, completedAt: startedAt + durationMs, durationMs, outcome: failed ? 'failed' : 'succeeded',
    steps: [{ name: 'request', durationMs, outcome: failed ? 'failed' : 'succeeded', detail: null }],
    httpStatus: failed ? 503 : 200, error: failed ? { code: 'server_error', message: 'HTTP 503, expected 200', retryAfterSeconds: null } : null,
    quota: null, nextCheckAt: startedAt + 60_000, tokenExpiresAt: null, tokenRefreshable: true, requestId: null,
  };
}

async function main() {
  await withBenchSandbox({ LOG_LEVEL: 'warn' }, async (rt) => {
    const { config } = rt;
    const integrations = Array.from({ length: 2_000 }, () => randomUUID());
    const t0 = Date.now() - 30 * 86_400_000;
    say(`producing ${total.toLocaleString()} HealthChecked events (2,000 integrations, ${config.kafka.partitions} partitions)…`);
    const producer = await rt.kafka.producer();
    const p0 = performance.now();
    for (let i = 0; i < total; i += 5_000) {
      const batch = await Promise.all(Array.from({ length: Math.min(5_000, total - i) }, (_, k) => rt.codec.encode(event(i + k, integrations, t0))));
      await producer.send(rt.topics.checks, batch);
      process.stderr.write(`\r  ${Math.min(total, i + 5_000).toLocaleString()} produced`);
    }
    await producer.close();
    const produceSeconds = (performance.now() - p0) / 1000;
    say(`\n  ${Math.round(total / produceSeconds).toLocaleString()} events/s produced (encode + send)`);

    const figures: [string, number, number][] = [];
    for (const projection of [integrationHealthProjection(config.statusRules), healthHistoryProjection(config.statusRules)]) {
      const r0 = performance.now();
      const replay = await startReplay(projection, rt, (p) => process.stderr.write(`\r  replaying ${projection.name}: ${p.processed.toLocaleString()}/${p.total.toLocaleString()} (${p.eventsPerSecond.toLocaleString()}/s)   `));
      const result = await replay.done;
      const seconds = (performance.now() - r0) / 1000;
      if (result.state !== 'done') throw new Error(`replay of ${projection.name} failed: ${result.error}`);
      figures.push([projection.name, result.total, seconds]);
      say('');
    }

    say('\nprojection rebuild (replay into Postgres, one process, 2 cores shared with Kafka and Postgres)');
    say('  projection            events     seconds   events/s   bar 25,000/s');
    for (const [name, n, s] of figures) {
      const rate = Math.round(n / s);
      say(`  ${name.padEnd(20)} ${String(n).padStart(8)} ${s.toFixed(1).padStart(10)} ${rate.toLocaleString().padStart(10)}   ${rate >= 25_000 ? 'met' : 'NOT met'}`);
    }
  });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
