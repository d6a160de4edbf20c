// `npm run bench:alerts`: how many checks per second the alert evaluator's core handles with
// the default rules (DESIGN bar: 2,000 checks/s end to end, so the core needs headroom),
// how long a tick over every integration takes, and how big its snapshot is.
// Pure CPU: no Kafka, no Postgres. Usage: npm run bench:alerts -- [checks=200000] [integrations=100000]
import { randomUUID } from 'node:crypto';
import { defaultRules, emptyState, evaluate, takeChanges } from '../alerting/index.js';
import type { EvaluatorSettings } from '../alerting/types.js';
import type { HealthChecked } from '../health/events.js';

const checks = Number(process.argv[2] ?? 200_000);
const integrationCount = Number(process.argv[3] ?? 100_000);
const say = (s: string) => process.stderr.write(`${s}\n`);
const settings: EvaluatorSettings = { statusRules: { slowCheckMs: 2_000, failuresBeforeRed: 3 }, flapping: { windowSeconds: 3600, transitions: 4, stableSeconds: 600 } };
const providers = ['gmail', 'google_calendar', 'slack', 'http', 'mcp'];

const state = emptyState();
const t0 = Date.now() - 3_600_000;
for (const rule of defaultRules(['ops@example.com'])) evaluate(state, { kind: 'rule_saved', rule, at: t0 }, settings);
const ids = Array.from({ length: integrationCount }, () => randomUUID());
say(`connecting ${integrationCount.toLocaleString()} integrations…`);
ids.forEach((id, i) => evaluate(state, {
  kind: 'lifecycle',
  event: { type: 'IntegrationConnected', eventId: randomUUID(), integrationId: id, userId: `user-${i % 20_000}`, occurredAt: t0, provider: providers[i % 5]!, displayName: 'x', checkIntervalSeconds: 60, config: {} },
}, settings));
takeChanges(state);

function check(i: number): HealthChecked {
  // 2 % of integrations fail persistently; the rest are healthy with a little noise.
  const n = i % integrationCount;
  const failed = n % 50 === 0 || i % 997 === 0;
  const startedAt = t0 + Math.floor((i / checks) * 3_000_000);
  return {
    type: 'HealthChecked', eventId: randomUUID(), integrationId: ids[n]!, userId: `user-${n % 20_000}`, provider: providers[n % 5]!, trigger: 'scheduled',
    attempt: 1, startedAt, completedAt: startedAt + 80, durationMs: 80 + (i % 400), outcome: failed ? 'failed' : 'succeeded', steps: [],
    httpStatus: failed ? 503 : 200, error: failed ? { code: 'server_error', message: 'HTTP 503', retryAfterSeconds: null } : null,
    quota: null, nextCheckAt: null, tokenExpiresAt: null, tokenRefreshable: true, requestId: null,
  };
}

const inputs = Array.from({ length: checks }, (_, i) => check(i));
say(`evaluating ${checks.toLocaleString()} checks with ${defaultRules([]).length} default rules…`);
let transitions = 0;
const c0 = performance.now();
for (let i = 0; i < inputs.length; i++) {
  transitions += evaluate(state, { kind: 'check', check: inputs[i]! }, settings).length;
  if (i % 20_000 === 0) process.stderr.write(`\r  ${i.toLocaleString()}`);
}
const checkMs = performance.now() - c0;
process.stderr.write('\n');
const changes = takeChanges(state);
const k0 = performance.now();
transitions += evaluate(state, { kind: 'tick', now: t0 + 3_000_000 }, settings).length;
const tickMs = performance.now() - k0;

console.log(JSON.stringify({
  checks, integrations: integrationCount,
  checksPerSecond: Math.round(checks / (checkMs / 1000)),
  tickMs: Math.round(tickMs),
  transitions,
  snapshotEntries: changes.length,
  snapshotBytes: JSON.stringify(changes).length,
}, null, 2));
