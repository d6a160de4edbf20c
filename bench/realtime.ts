// `npm run bench:realtime`: check completed → WebSocket frame received (DESIGN bar: p99 ≤ 250 ms,
// p50 ≤ 50 ms). On throwaway topics and a throwaway database (like bench/replay.ts), this
// process runs the projectors and the API (no check workers); a forked load process connects
// the clients over loopback, each subscribed to all of its user's integrations, and produces
// HealthChecked events straight to the checks topic at a fixed rate with completedAt = now.
// Latency per frame = receive time − the event's completedAt (its lastCheckedAt).
// Usage: npm run bench:realtime -- [clients=200] [events/s=500] [seconds=20]
import { fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { WebSocket } from 'ws';
import { issueUserToken } from '../api/auth.js';
import { startApi, startProjectors } from '../cli/roles.js';
import { loadConfig } from '../platform/config.js';
import { createRuntime } from '../platform/runtime.js';
import type { HealthChecked, LifecycleEvent } from '../platform/events.js';
import { withBenchSandbox } from './sandbox.js';

const PER_CLIENT = 5;
const say = (s: string) => process.stderr.write(`${s}\n`);

interface LoadPlan {
  overrides: Record<string, string>;
  wsUrl: string;
  users: { userId: string; integrations: string[] }[];
  rate: number;
  seconds: number;
}

interface LoadResult {
  produced: number;
  latencies: number[];
  closedEarly: number;
}

const check = (integrationId: string, userId: string, now: number): HealthChecked => ({
  type: 'HealthChecked', eventId: randomUUID(), integrationId, userId, provider: 'http', trigger: 'scheduled', attempt: 1,
  startedAt: now - 20, completedAt: now, durationMs: 20, outcome: 'succeeded',
  steps: [{ name: 'request', durationMs: 20, outcome: 'succeeded', detail: 'HTTP 200' }],
  httpStatus: 200, error: null, quota: null, nextCheckAt: now + 60_000, tokenExpiresAt: null, tokenRefreshable: true, requestId: null,
});

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;

/** The forked side: clients and producer, so their work does not share the API's event loop. */
async function runLoad(plan: LoadPlan): Promise<LoadResult> {
  const rt = createRuntime(loadConfig(undefined, plan.overrides), 'pulse-bench-load');
  const latencies: number[] = [];
  let closedEarly = 0;
  const sockets = await Promise.all(plan.users.map(({ userId, integrations }) => new Promise<WebSocket>((resolve, reject) => {
    const ws = new WebSocket(plan.wsUrl, ['bearer', issueUserToken(rt.config.auth.jwtSecret, userId)]);
    ws.on('message', (data) => {
      const received = Date.now();
      const f = JSON.parse(data.toString());
      if (f.type === 'health') latencies.push(received - Date.parse(f.integration.lastCheckedAt));
      else if (f.type === 'snapshot' && f.integrations.length === integrations.length) resolve(ws);
      else if (f.type !== 'snapshot') reject(new Error(`unexpected frame ${f.type}`));
    });
    ws.on('open', () => ws.send(JSON.stringify({ type: 'subscribe', all: true })));
    ws.on('close', () => closedEarly++);
    ws.on('error', reject);
  })));
  process.stderr.write(`  ${sockets.length} clients connected and subscribed; producing ${plan.rate}/s for ${plan.seconds}s…\n`);

  const all = plan.users.flatMap((u) => u.integrations.map((id) => ({ id, userId: u.userId })));
  const producer = await rt.kafka.producer();
  const start = Date.now();
  let produced = 0;
  while (Date.now() - start < plan.seconds * 1000) {
    const due = Math.floor(((Date.now() - start) * plan.rate) / 1000) - produced;
    if (due > 0) {
      const now = Date.now();
      const batch = Array.from({ length: due }, (_, k) => all[(produced + k) % all.length] as { id: string; userId: string });
      produced += due;
      await producer.send(rt.topics.checks, await Promise.all(batch.map((b) => rt.codec.encode(check(b.id, b.userId, now)))));
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  await new Promise((r) => setTimeout(r, 2_000)); // the last frames in flight
  await producer.close();
  const stillOpen = sockets.filter((ws) => ws.readyState === WebSocket.OPEN).length;
  for (const ws of sockets) ws.terminate();
  await rt.close();
  return { produced, latencies, closedEarly: sockets.length - stillOpen };
}

async function main() {
  const clients = Number(process.argv[2] ?? 200);
  const rate = Number(process.argv[3] ?? 500);
  const seconds = Number(process.argv[4] ?? 20);
  const watchdog = setTimeout(() => { say('benchmark took too long; giving up'); process.exit(2); }, (seconds + 240) * 1000);
  watchdog.unref();

  await withBenchSandbox({ LOG_LEVEL: 'error', API_HOST: '127.0.0.1', API_PORT: '0' }, async (rt, overrides) => {
    const roles: { stop(): Promise<void> }[] = [];
    try {
      roles.push(await startProjectors(rt));
      const api = await startApi(rt);
      roles.push(api);

      const users = Array.from({ length: clients }, (_, i) => ({ userId: `bench-user-${i}`, integrations: Array.from({ length: PER_CLIENT }, () => randomUUID()) }));
      const connected: LifecycleEvent[] = users.flatMap((u) => u.integrations.map((integrationId): LifecycleEvent => ({
        type: 'IntegrationConnected', eventId: randomUUID(), integrationId, userId: u.userId, occurredAt: Date.now() - 60_000,
        provider: 'http', displayName: 'bench', checkIntervalSeconds: 60, config: { url: 'http://127.0.0.1:9/' },
      })));
      const producer = await rt.kafka.producer();
      await producer.send(rt.topics.lifecycle, await Promise.all(connected.map((e) => rt.codec.encode(e))));
      await producer.close();
      for (;;) {
        const { rows } = await rt.db.query('SELECT count(*)::int AS n FROM integrations');
        if (rows[0].n === connected.length) break;
        await new Promise((r) => setTimeout(r, 200));
      }
      say(`${connected.length} integrations of ${clients} users projected; starting the load process…`);

      const plan: LoadPlan = { overrides, wsUrl: `${api.url.replace(/^http/, 'ws')}/ws`, users, rate, seconds };
      const child = fork(fileURLToPath(import.meta.url), ['--load'], { execArgv: process.execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
      const result = await new Promise<LoadResult>((resolve, reject) => {
        child.once('message', (m) => resolve(m as LoadResult));
        child.once('exit', (code) => reject(new Error(`load process exited with ${code}`)));
        child.send(plan);
      });

      const sorted = [...result.latencies].sort((a, b) => a - b);
      const [p50, p95, p99] = [50, 95, 99].map((p) => percentile(sorted, p)) as [number, number, number];
      say('\ncheck completed → frame received (one box: Kafka, Postgres, projectors + API process, load process)');
      say(`  clients ${clients} (${PER_CLIENT} integrations each, subscribed to all), ${rate} events/s for ${seconds}s`);
      say(`  events produced ${result.produced}, health frames received ${sorted.length}, clients dropped ${result.closedEarly}`);
      say('  figure   measured ms   bar ms   ');
      for (const [name, value, bar] of [['p50', p50, 50], ['p95', p95, null], ['p99', p99, 250], ['max', sorted[sorted.length - 1] ?? NaN, null]] as const) {
        say(`  ${name.padEnd(6)} ${String(Math.round(value)).padStart(12)} ${String(bar ?? '—').padStart(8)}   ${bar === null ? '' : value <= bar ? 'met' : 'NOT met'}`);
      }
    } finally {
      for (const r of roles.reverse()) await r.stop().catch(() => undefined);
    }
  });
}

if (process.argv[2] === '--load') {
  process.once('message', (plan) => {
    runLoad(plan as LoadPlan).then(
      (result) => process.send?.(result, () => process.exit(0)),
      (err) => { console.error(err); process.exit(1); },
    );
  });
} else {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
