// Per-provider sliding windows, in whole minutes of event time: the current minute and the
// ceil(windowSeconds / 60) - 1 before it.
//
// Two things are counted. Check volume (checks, failures, latency of the successes) lives in
// stored minute buckets, because it cannot be re-derived. "Whose latest check failed" (for
// provider incidents) is derived from the integration entries, indexed by the minute of each
// integration's latest check. A check must cost O(1), so for each window length in use we keep
// running totals for the current minute, patched by every write that falls inside them and
// recomputed from scratch once the minute moves on. Totals are only a cache: a restored state
// recomputes them and gets the same integers.
import { mergeSketches, bucketOf } from '../health/latencySketch.js';
import type { LatencySketch } from '../health/latencySketch.js';
import { kindOf } from './kinds/index.js';
import { cached, cachedIfBuilt, drop, put, rulesInOrder, touch, type EvaluatorState, type IntegrationEntry, type WindowBucket } from './state.js';

export interface WindowFigures {
  checks: number;
  failed: number;
  okLatency: LatencySketch;
  /** Integrations whose latest check completed in the window… */
  checkedIntegrations: number;
  /** …of which that check failed, and their distinct owners. */
  failingIntegrations: number;
  affectedUsers: number;
}

interface Totals extends Omit<WindowFigures, 'affectedUsers'> {
  minute: number;
  span: number;
  failingUsers: Map<string, number>;
}

interface ProviderWindows {
  latestByMinute: Map<number, Set<string>>;
  totals: Map<number, Totals>;
}

/** Where one integration's latest check counts. */
export interface Latest {
  provider: string;
  integrationId: string;
  userId: string;
  minute: number;
  failed: boolean;
}

const CACHE = 'windows';

export const minuteOf = (time: number) => Math.floor(time / 60_000);
export const spanOf = (windowSeconds: number) => Math.max(1, Math.ceil(windowSeconds / 60));
const bucketId = (provider: string, minute: number) => `${provider}:${minute}`;
const inTotals = (t: Totals, minute: number) => minute > t.minute - t.span && minute <= t.minute;

function windowsOf(state: EvaluatorState): Map<string, ProviderWindows> {
  return cached(state, CACHE, (s) => {
    const index = new Map<string, ProviderWindows>();
    for (const entry of Object.values(s.integrations)) {
      const latest = latestOf(entry);
      if (latest) addLatest(providerWindows(index, latest.provider), latest);
    }
    return index;
  });
}

function providerWindows(index: Map<string, ProviderWindows>, provider: string): ProviderWindows {
  let pw = index.get(provider);
  if (!pw) index.set(provider, (pw = { latestByMinute: new Map(), totals: new Map() }));
  return pw;
}

export function latestOf(entry: IntegrationEntry | undefined): Latest | null {
  if (!entry?.health) return null;
  return { provider: entry.provider, integrationId: entry.integrationId, userId: entry.userId, minute: minuteOf(entry.health.lastCheckedAt), failed: entry.health.consecutiveFailures > 0 };
}

function addLatest(pw: ProviderWindows, l: Latest) {
  let ids = pw.latestByMinute.get(l.minute);
  if (!ids) pw.latestByMinute.set(l.minute, (ids = new Set()));
  ids.add(l.integrationId);
}

function countLatest(t: Totals, l: Latest, sign: 1 | -1) {
  t.checkedIntegrations += sign;
  if (!l.failed) return;
  t.failingIntegrations += sign;
  const n = (t.failingUsers.get(l.userId) ?? 0) + sign;
  if (n > 0) t.failingUsers.set(l.userId, n);
  else t.failingUsers.delete(l.userId);
}

/** An integration's latest check moved (or it appeared, or it was forgotten). */
export function moveLatest(state: EvaluatorState, before: Latest | null, after: Latest | null): void {
  if (before && after && before.provider === after.provider && before.minute === after.minute && before.failed === after.failed && before.userId === after.userId) return;
  const index = cachedIfBuilt<Map<string, ProviderWindows>>(state, CACHE);
  if (!index) return; // built from the entries when first asked
  if (before) {
    const pw = providerWindows(index, before.provider);
    const ids = pw.latestByMinute.get(before.minute);
    ids?.delete(before.integrationId);
    if (ids?.size === 0) pw.latestByMinute.delete(before.minute);
    for (const t of pw.totals.values()) if (inTotals(t, before.minute)) countLatest(t, before, -1);
  }
  if (after) {
    const pw = providerWindows(index, after.provider);
    addLatest(pw, after);
    for (const t of pw.totals.values()) if (inTotals(t, after.minute)) countLatest(t, after, 1);
  }
}

/** How many minutes of buckets any rule can look at (its kind says whether and how far it reads check volume). */
function volumeSpan(state: EvaluatorState): number {
  let span = 0;
  for (const r of rulesInOrder(state)) {
    const windowSeconds = kindOf(r.kind).volumeWindowSeconds?.(r.params);
    if (windowSeconds !== undefined) span = Math.max(span, spanOf(windowSeconds));
  }
  return span;
}

/** Adds one check to its provider's minute, unless no rule's window could ever see that minute. */
export function countCheck(state: EvaluatorState, provider: string, completedAt: number, ok: boolean, durationMs: number): void {
  const minute = minuteOf(completedAt);
  if (minute <= minuteOf(state.clock) - volumeSpan(state)) return;
  const id = bucketId(provider, minute);
  let bucket = state.buckets[id];
  if (!bucket) put(state, 'buckets', id, (bucket = { provider, minute, checks: 0, failed: 0, okLatency: {} }));
  else touch(state, 'buckets', id);
  const latencyKey = String(bucketOf(durationMs));
  bucket.checks++;
  if (ok) bucket.okLatency[latencyKey] = (bucket.okLatency[latencyKey] ?? 0) + 1;
  else bucket.failed++;

  const pw = cachedIfBuilt<Map<string, ProviderWindows>>(state, CACHE)?.get(provider);
  for (const t of pw?.totals.values() ?? []) {
    if (!inTotals(t, minute)) continue;
    t.checks++;
    if (ok) t.okLatency[latencyKey] = (t.okLatency[latencyKey] ?? 0) + 1;
    else t.failed++;
  }
}

function addBucket(t: Totals, b: WindowBucket) {
  t.checks += b.checks;
  t.failed += b.failed;
  t.okLatency = mergeSketches(t.okLatency, b.okLatency);
}

function recompute(state: EvaluatorState, provider: string, pw: ProviderWindows, span: number, minute: number): Totals {
  const t: Totals = { minute, span, checks: 0, failed: 0, okLatency: {}, checkedIntegrations: 0, failingIntegrations: 0, failingUsers: new Map() };
  for (let m = minute - span + 1; m <= minute; m++) {
    const bucket = state.buckets[bucketId(provider, m)];
    if (bucket) addBucket(t, bucket);
    for (const id of pw.latestByMinute.get(m) ?? []) {
      const latest = latestOf(state.integrations[id]);
      if (latest) countLatest(t, latest, 1);
    }
  }
  return t;
}

/** The provider's figures over the window ending now (the clock's minute). */
export function windowFigures(state: EvaluatorState, provider: string, windowSeconds: number): WindowFigures {
  const pw = providerWindows(windowsOf(state), provider);
  const span = spanOf(windowSeconds);
  const minute = minuteOf(state.clock);
  let t = pw.totals.get(span);
  if (!t || t.minute !== minute) pw.totals.set(span, (t = recompute(state, provider, pw, span, minute)));
  return { checks: t.checks, failed: t.failed, okLatency: t.okLatency, checkedIntegrations: t.checkedIntegrations, failingIntegrations: t.failingIntegrations, affectedUsers: t.failingUsers.size };
}

/** Providers with anything to evaluate: integrations that were checked, or buckets. */
export function providersWithData(state: EvaluatorState): Set<string> {
  const out = new Set<string>();
  for (const [provider, pw] of windowsOf(state)) if (pw.latestByMinute.size > 0) out.add(provider);
  for (const b of Object.values(state.buckets)) out.add(b.provider);
  return out;
}

/** Drops buckets no rule's window can reach any more (the clock only moves forward). */
export function pruneBuckets(state: EvaluatorState): void {
  const oldest = minuteOf(state.clock) - volumeSpan(state);
  const index = cachedIfBuilt<Map<string, ProviderWindows>>(state, CACHE);
  for (const [id, b] of Object.entries(state.buckets)) {
    if (b.minute > oldest) continue;
    drop(state, 'buckets', id);
    index?.get(b.provider)?.totals.clear();
  }
}
