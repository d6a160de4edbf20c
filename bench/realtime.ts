// `npm run bench:realtime`: check completed → WebSocket frame received (DESIGN bar: p99 ≤ 250 ms,
// p50 ≤ 50 ms). On throwaway topics and a throwaway database (like bench/replay.ts), this
// process runs the projectors and the API (no check workers); a forked load process connects
// the clients over loopback, each subscribed to all of its user's integrations, and produces
// HealthChecked events straight to the checks topic at a fixed rate with completedAt = now.
// Latency per frame = receive time − the event's completedAt (its lastCheckedAt).
// One check in failEvery is a failed one (HTTP 503, server_error), each integration's turn
// coming round after round, so integrations keep turning yellow and green again: frames that change an integration's status (what a user watching a
// failing integration waits for) are reported on their own as well.
// Usage: npm run bench:realtime -- [clients=200] [events/s=500] [seconds=20] [failEvery=10]  (--help)
import { fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { WebSocket } from 'ws';
import { issueUserToken } from '../api/auth.js';
import { startApi, startProjectors } from '../cli/roles.js';
import { loadConfig } from '../platform/config.js';
import { createRuntime } from '../platform/runtime.js';
import type { HealthChecked, LifecycleEvent } from '../health/events.js';
import { withBenchSandbox } from './sandbox.js';

const PER_CLIENT = 5;
const say = (s: string) => process.stderr.write(`${s}\n`);

const usage = `usage: npm run bench:realtime -- [clients=200] [events/s=500] [seconds=20] [failEvery=10]
  clients    WebSocket clients, each a user with ${PER_CLIENT} integrations, subscribed to all of them
  events/s   HealthChecked events produced per second, round-robin over every integration
  seconds    how long to produce
  failEvery  one check in N fails (server_error) so statuses change, every integration in turn; 0 = none
Prints check completed -> frame received latency (p50/p95/p99/max), all frames and status changes.`;

interface LoadPlan {
  overrides: Record<string, string>;
  wsUrl: string;
  users: { userId: string; integrations: string[] }[];
  rate: number;
  seconds: number;
  failEvery: number;
}

interface LoadResult {
  produced: number;
  failed: number;
  latencies: number[];
  /** Latencies of the frames whose status differed from the previous frame of that integration. */
  statusChanges: number[];
  closedEarly: number;
}

const check = (integrationId: string, userId: string, now: number, failed: boolean): HealthChecked => ({
  type: 'HealthChecked', eventId: randomUUID(), integrationId, userId, provider: 'http', trigger: 'scheduled', attempt: 1,
  startedAt: now - 20, completedAt: now, durationMs: 20, outcome: failed ? 'failed' : 'succeeded',
  steps: [{ name: 'request', durationMs: 20, outcome: failed ? 'failed' : 'succeeded', detail: failed ? 'HTTP 503' : 'HTTP 200' }],
  httpStatus: failed ? 503 : 200, error: failed ? { code: 'server_error', message: 'HTTP 503', retryAfterSeconds: null } : null,
  quota: null, nextCheckAt: now + 60_000, tokenExpiresAt: null, tokenRefreshable: true, requestId: null,
});

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;

/** The forked side: clients and producer, so their work does not share the API's event loop. */
async function runLoad(plan: LoadPlan): Promise<LoadResult> {
  const rt = createRuntime(loadConfig(undefined, plan.overrides), 'pulse-bench-load');
  const latencies: number[] = [];
  const statusChanges: number[] = [];
  let closedEarly = 0;
  const sockets = await Promise.all(plan.users.map(({ userId, integrations }) => new Promise<WebSocket>((resolve, reject) => {
    const ws = new WebSocket(plan.wsUrl, ['bearer', issueUserToken(rt.config.auth.jwtSecret, userId)]);
    const status = new Map<string, string>();
    ws.on('message', (data) => {
      const received = Date.now();
      const f = JSON.parse(data.toString());
      if (f.type === 'health') {
        const latency = received - Date.parse(f.integration.lastCheckedAt);
        latencies.push(latency);
        const { integrationId, status: now } = f.integration;
        const before = status.get(integrationId);
        // Not the first check of an integration (from "no check yet" to green).
        if (before && ['green', 'yellow', 'red'].includes(before) && before !== now) statusChanges.push(latency);
        status.set(integrationId, now);
      } else if (f.type === 'snapshot' && f.integrations.length === integrations.length) {
        for (const i of f.integrations) status.set(i.integrationId, i.status);
        resolve(ws);
      }
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
  let failed = 0;
  while (Date.now() - start < plan.seconds * 1000) {
    const due = Math.floor(((Date.now() - start) * plan.rate) / 1000) - produced;
    if (due > 0) {
      const now = Date.now();
      const batch = Array.from({ length: due }, (_, k) => {
        const n = produced + k;
        // Integration i fails in every failEvery-th round, a different round for each: yellow, then green again.
        const fails = plan.failEvery > 0 && ((n % all.length) + Math.floor(n / all.length)) % plan.failEvery === plan.failEvery - 1;
        if (fails) failed++;
        return { ...(all[n % all.length] as { id: string; userId: string }), fails };
      });
      produced += due;
      await producer.send(rt.topics.checks, await Promise.all(batch.map((b) => rt.codec.encode(check(b.id, b.userId, now, b.fails)))));
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  await new Promise((r) => setTimeout(r, 2_000)); // the last frames in flight
  await producer.close();
  const stillOpen = sockets.filter((ws) => ws.readyState === WebSocket.OPEN).length;
  for (const ws of sockets) ws.terminate();
  await rt.close();
  return { produced, failed, latencies, statusChanges, closedEarly: sockets.length - stillOpen };
}

async function main() {
  const args = process.argv.slice(2);
  const [clients, rate, seconds, failEvery] = [200, 500, 20, 10].map((dflt, i) => Number(args[i] ?? dflt)) as [number, number, number, number];
  if (args.some((a) => a === '--help' || a === '-h') || ![clients, rate, seconds].every((n) => Number.isInteger(n) && n > 0) || !(Number.isInteger(failEvery) && failEvery >= 0)) {
    say(usage);
    process.exit(args.some((a) => a === '--help' || a === '-h') ? 0 : 2);
  }
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

      const plan: LoadPlan = { overrides, wsUrl: `${api.url.replace(/^http/, 'ws')}/ws`, users, rate, seconds, failEvery };
      const child = fork(fileURLToPath(import.meta.url), ['--load'], { execArgv: process.execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
      const result = await new Promise<LoadResult>((resolve, reject) => {
        child.once('message', (m) => resolve(m as LoadResult));
        child.once('exit', (code) => reject(new Error(`load process exited with ${code}`)));
        child.send(plan);
      });

      say('\ncheck completed → frame received (one box: Kafka, Postgres, projectors + API process, load process)');
      say(`  clients ${clients} (${PER_CLIENT} integrations each, subscribed to all), ${rate} events/s for ${seconds}s`);
      say(`  events produced ${result.produced} (${result.failed} failed checks), health frames received ${result.latencies.length}, of which status changes ${result.statusChanges.length}, clients dropped ${result.closedEarly}`);
      for (const [title, latencies] of [['all health frames', result.latencies], ['status changes (green ↔ yellow)', result.statusChanges]] as const) {
        const sorted = [...latencies].sort((a, b) => a - b);
        const [p50, p95, p99] = [50, 95, 99].map((p) => percentile(sorted, p)) as [number, number, number];
        say(`  ${title}`);
        say('    figure   measured ms   bar ms   ');
        for (const [name, value, bar] of [['p50', p50, 50], ['p95', p95, null], ['p99', p99, 250], ['max', sorted[sorted.length - 1] ?? NaN, null]] as const) {
          say(`    ${name.padEnd(6)} ${String(Math.round(value)).padStart(12)} ${String(bar ?? '—').padStart(8)}   ${bar === null ? '' : value <= bar ? 'met' : 'NOT met'}`);
        }
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
