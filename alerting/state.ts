// The evaluator's memory, shaped as the keyed entries the runtime keeps in a compacted
// changelog topic. Each section of EvaluatorState is one key prefix, so the state is plain
// JSON, every write marks exactly one key dirty, and restoring the entries rebuilds the same
// object graph. Anything faster to ask (sorted rules, window totals) is a derived cache kept
// outside the state and rebuilt from the entries on demand, so it can never disagree with them.
import type { HealthStanding } from '../health/statusRules.js';
import type { LatencySketch } from '../health/latencySketch.js';
import type { AlertRule, AlertScope, Suppression } from './types.js';

export interface IntegrationEntry {
  integrationId: string;
  userId: string;
  provider: string;
  displayName: string | null;
  checkIntervalSeconds: number | null;
  connectedAt: number | null;
  /** Just what decides the next status, and the error code alerts quote; null = never checked. */
  health: HealthStanding | null;
  /** Set by ReauthRequired, cleared by ReauthCompleted or a successful check. */
  reauth: { reason: string; since: number } | null;
}

/** One provider's checks completed in one minute (event time). */
export interface WindowBucket {
  provider: string;
  minute: number;
  checks: number;
  failed: number;
  /** Latency of the successful checks only: a timeout says "failing", not "slow". */
  okLatency: LatencySketch;
}

export interface OpenAlert {
  alertId: string;
  openedAt: number;
  /** Words naming the scope, kept so a resolve can be described after the integration is gone. */
  subject: string;
  summary: string;
  flapping: boolean;
  acknowledgedBy: string | null;
  escalated: boolean;
  /** When the condition was first seen clear; a flapping alert resolves once it stays clear. */
  clearSince: number | null;
}

/** Everything remembered about one (rule, scope): the open alert, the last resolve, recent transitions. */
export interface AlertEntry {
  ruleId: string;
  scope: AlertScope;
  open: OpenAlert | null;
  resolvedAt: number | null;
  lastOpenedAt: number | null;
  /** Times of the latest raises and resolves (at most settings.flapping.transitions of them). */
  transitions: number[];
}

export interface EvaluatorState {
  /** Event time: the largest time any input has carried. Key `clock`. */
  clock: number;
  rules: Record<string, AlertRule>; // rule:<id>
  suppressions: Record<string, Suppression>; // suppression:<id>
  integrations: Record<string, IntegrationEntry>; // integration:<id>
  /** Disconnected integrations, briefly, so a check still in flight does not bring them back. */
  departed: Record<string, number>; // departed:<id> → disconnectedAt
  buckets: Record<string, WindowBucket>; // provider:<provider>:<minute>
  alerts: Record<string, AlertEntry>; // alert:<ruleId>|<scopeKey>
  /** Keys written or deleted since the last takeChanges. */
  dirty: Record<string, true>;
}

export type Section = 'rules' | 'suppressions' | 'integrations' | 'departed' | 'buckets' | 'alerts';

const prefixes: Record<Section, string> = {
  rules: 'rule',
  suppressions: 'suppression',
  integrations: 'integration',
  departed: 'departed',
  buckets: 'provider',
  alerts: 'alert',
};
const sectionOfPrefix = new Map(Object.entries(prefixes).map(([section, prefix]) => [prefix, section as Section]));

// Sections are keyed by ids that come from events; without a prototype, an id like
// "constructor" is just another key.
const table = <T>(): Record<string, T> => Object.create(null) as Record<string, T>;

export function emptyState(): EvaluatorState {
  return { clock: 0, rules: table(), suppressions: table(), integrations: table(), departed: table(), buckets: table(), alerts: table(), dirty: table() };
}

type Value<S extends Section> = EvaluatorState[S][string];

export function put<S extends Section>(state: EvaluatorState, section: S, id: string, value: Value<S>): void {
  (state[section] as Record<string, Value<S>>)[id] = value;
  state.dirty[`${prefixes[section]}:${id}`] = true;
  if (section === 'rules') invalidate(state, RULES);
}

/** Marks an entry changed in place (hot paths mutate window buckets rather than copy them). */
export function touch(state: EvaluatorState, section: Section, id: string): void {
  state.dirty[`${prefixes[section]}:${id}`] = true;
}

export function drop(state: EvaluatorState, section: Section, id: string): void {
  const entries = state[section] as Record<string, unknown>;
  if (!Object.hasOwn(entries, id)) return;
  delete entries[id];
  state.dirty[`${prefixes[section]}:${id}`] = true;
  if (section === 'rules') invalidate(state, RULES);
}

/** Time only moves forward: a late event does not take the evaluator back in time. */
export function advanceClock(state: EvaluatorState, time: number): number {
  if (time > state.clock) {
    state.clock = time;
    state.dirty.clock = true;
  }
  return state.clock;
}

function read(state: EvaluatorState, key: string): unknown {
  if (key === 'clock') return state.clock;
  const colon = key.indexOf(':');
  const section = sectionOfPrefix.get(key.slice(0, colon));
  const entries = section && (state[section] as Record<string, unknown>);
  const id = key.slice(colon + 1);
  return entries && Object.hasOwn(entries, id) ? entries[id] : undefined;
}

/** What to write to the changelog: entries changed since the last call (value null = deleted), as copies. */
export function takeChanges(state: EvaluatorState): { key: string; value: unknown | null }[] {
  const keys = Object.keys(state.dirty).sort();
  state.dirty = table();
  return keys.map((key) => {
    const value = read(state, key);
    return { key, value: value === undefined ? null : structuredClone(value) };
  });
}

/** The state the entries describe; the last value of a key wins, null deletes it. Unknown keys are skipped. */
export function restoreState(entries: Iterable<{ key: string; value: unknown }>): EvaluatorState {
  const state = emptyState();
  for (const { key, value } of entries) {
    if (key === 'clock') {
      state.clock = typeof value === 'number' ? value : 0;
      continue;
    }
    const colon = key.indexOf(':');
    const section = sectionOfPrefix.get(key.slice(0, colon));
    if (!section) continue;
    const entries = state[section] as Record<string, unknown>;
    const id = key.slice(colon + 1);
    if (value === null || value === undefined) delete entries[id];
    else entries[id] = value;
  }
  return state;
}

const RULES = 'rules in order';

// Derived caches live beside the state, never in it: a JSON copy or a restore starts without
// them and rebuilds them from the entries.
const caches = new WeakMap<EvaluatorState, Map<string, unknown>>();

export function cached<T>(state: EvaluatorState, name: string, build: (state: EvaluatorState) => T): T {
  let all = caches.get(state);
  if (!all) caches.set(state, (all = new Map()));
  if (!all.has(name)) all.set(name, build(state));
  return all.get(name) as T;
}

/** The cache if it has been built; writers update it in place or leave it to be built later. */
export function cachedIfBuilt<T>(state: EvaluatorState, name: string): T | undefined {
  return caches.get(state)?.get(name) as T | undefined;
}

function invalidate(state: EvaluatorState, name: string): void {
  caches.get(state)?.delete(name);
}

/** Rules in id order, so every run (live, restored, backtest) evaluates them in the same order. */
export function rulesInOrder(state: EvaluatorState): AlertRule[] {
  return cached(state, RULES, (s) => Object.keys(s.rules).sort().map((id) => s.rules[id] as AlertRule));
}
