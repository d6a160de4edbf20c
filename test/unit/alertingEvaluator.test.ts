import { expect } from 'chai';
import { z } from 'zod';
import { alertIdOf, backtest, defaultRules, emptyState, evaluate, restoreState, takeChanges, type EvaluatorState } from '../../alerting/index.js';
import type { AlertRaised, AlertRule, AlertTransition, EvaluatorInput, EvaluatorSettings } from '../../alerting/types.js';
import type { HealthChecked, LifecycleEvent } from '../../health/events.js';
import { aCheck, aFailedCheck } from '../support/checks.js';

const T0 = Date.parse('2026-11-02T09:00:00Z');
const at = (minutes: number, seconds = 0) => T0 + minutes * 60_000 + seconds * 1000;
const settings: EvaluatorSettings = { statusRules: { slowCheckMs: 2000, failuresBeforeRed: 3 }, flapping: { windowSeconds: 3600, transitions: 4, stableSeconds: 600 } };

function rule(id: string, over: Partial<AlertRule> = {}): AlertRule {
  const found = defaultRules(['ops@example.com']).find((r) => r.id === `default-${id}`);
  if (!found) throw new Error(`no default rule ${id}`);
  return { ...found, ...over } as AlertRule;
}

type CheckOptions = Partial<HealthChecked>;
const checkOf = (base: (o: CheckOptions) => HealthChecked, id: string, time: number, o: CheckOptions): EvaluatorInput => {
  const durationMs = o.durationMs ?? 100;
  return { kind: 'check', check: base({ integrationId: id, userId: `u-${id}`, provider: 'gmail', ...o, startedAt: time - durationMs, durationMs }) };
};
const ok = (id: string, time: number, o: CheckOptions = {}) => checkOf(aCheck, id, time, o);
const fail = (id: string, time: number, code = 'server_error', o: CheckOptions = {}) => checkOf((c) => aFailedCheck(code, c), id, time, o);
const tick = (now: number): EvaluatorInput => ({ kind: 'tick', now });

function lifecycle(type: LifecycleEvent['type'], id: string, time: number, extra: Record<string, unknown> = {}): EvaluatorInput {
  const meta = { eventId: `${type}-${id}-${time}`, integrationId: id, userId: `u-${id}`, occurredAt: time };
  const body: Record<LifecycleEvent['type'], Record<string, unknown>> = {
    IntegrationConnected: { provider: 'gmail', displayName: 'Work inbox', checkIntervalSeconds: 300, config: {} },
    IntegrationUpdated: { displayName: null, checkIntervalSeconds: null, config: null },
    IntegrationDisconnected: { reason: null },
    CredentialsRefreshed: { expiresAt: null, scopes: [], trigger: 'daily' },
    ReauthRequired: { reason: 'token_revoked', detail: null },
    ReauthCompleted: { scopes: [] },
  };
  return { kind: 'lifecycle', event: { ...meta, type, ...body[type], ...extra } as LifecycleEvent };
}

function world(...rules: AlertRule[]) {
  const state = emptyState();
  const feed = (...inputs: EvaluatorInput[]) => inputs.flatMap((input) => evaluate(state, input, settings));
  for (const r of rules) feed({ kind: 'rule_saved', rule: r, at: T0 });
  return { state, feed };
}

/** The one transition an input caused, of the expected type. */
function one<T extends AlertTransition['type']>(out: AlertTransition[], type: T): Extract<AlertTransition, { type: T }> {
  expect(out.map((t) => t.type), JSON.stringify(out.map((t) => [t.type, t.ruleId, t.scope]))).to.deep.equal([type]);
  return out[0] as Extract<AlertTransition, { type: T }>;
}

const types = (out: AlertTransition[]) => out.map((t) => `${t.type} ${t.ruleId.replace('default-', '')} ${'integrationId' in t.scope ? t.scope.integrationId : t.scope.provider}`);

describe('alert evaluator: rule kinds', () => {
  it('integration_red: raises when the status turns red and resolves when it leaves red', () => {
    const w = world(rule('integration-red'));
    w.feed(lifecycle('IntegrationConnected', 'a', at(0)));
    expect(w.feed(fail('a', at(1)), fail('a', at(2)))).to.be.empty; // yellow: retries pending
    const raised = one(w.feed(fail('a', at(3))), 'AlertRaised');
    expect(raised).to.include({ ruleKind: 'integration_red', severity: 'critical', notifyOwner: true, flapping: false, occurredAt: at(3), openedAt: at(3) });
    expect(raised.scope).to.deep.equal({ type: 'integration', integrationId: 'a', userId: 'u-a', provider: 'gmail' });
    expect(raised.facts).to.include({ errorCode: 'server_error', consecutiveFailures: 3 });
    expect(raised.summary).to.equal('Gmail “Work inbox” of user u-a is red: Gmail is having problems on its side. 3 checks in a row have failed.');
    expect(raised.channels).to.deep.equal([{ type: 'email', to: ['ops@example.com'] }]);
    const resolved = one(w.feed(ok('a', at(4))), 'AlertResolved');
    expect(resolved).to.include({ alertId: raised.alertId, reason: 'recovered', openedAt: at(3), occurredAt: at(4) });
    expect(resolved.summary).to.equal('Gmail “Work inbox” of user u-a is no longer red.');
  });

  it('integration_red: an error only the user can fix is red at once', () => {
    const w = world(rule('integration-red'));
    expect(one(w.feed(fail('a', at(1), 'token_revoked')), 'AlertRaised').facts).to.include({ errorCode: 'token_revoked', consecutiveFailures: 1 });
  });

  it('consecutive_failures: raises at the Nth failure in a row, once, and resolves on the first success', () => {
    const w = world(rule('consecutive-failures'));
    expect(w.feed(...[1, 2, 3, 4].map((m) => fail('a', at(m), 'timeout')))).to.be.empty;
    const raised = one(w.feed(fail('a', at(5), 'timeout')), 'AlertRaised');
    expect(raised.facts).to.include({ consecutiveFailures: 5, errorCode: 'timeout' });
    expect(raised.summary).to.equal('Gmail integration a of user u-a: 5 checks in a row have failed (timeout).');
    expect(w.feed(fail('a', at(6)), fail('a', at(7)))).to.be.empty; // deduplicated
    expect(one(w.feed(ok('a', at(8))), 'AlertResolved').alertId).to.equal(raised.alertId);
  });

  it('reauth_required: raises on ReauthRequired for the owner and resolves on ReauthCompleted', () => {
    const w = world(rule('reauth-required'));
    w.feed(lifecycle('IntegrationConnected', 'a', at(0)));
    const raised = one(w.feed(lifecycle('ReauthRequired', 'a', at(1))), 'AlertRaised');
    expect(raised).to.include({ notifyOwner: true, severity: 'warning' });
    expect(raised.facts).to.include({ reason: 'token_revoked' });
    expect(raised.summary).to.contain('its owner must reconnect it');
    expect(one(w.feed(lifecycle('ReauthCompleted', 'a', at(5))), 'AlertResolved').reason).to.equal('recovered');
  });

  it('reauth_required: a successful check after the request resolves it, an older one does not', () => {
    const w = world(rule('reauth-required'));
    w.feed(lifecycle('IntegrationConnected', 'a', at(0)), lifecycle('ReauthRequired', 'a', at(2)));
    expect(w.feed(ok('a', at(1)))).to.be.empty; // completed before the request: a late retry
    expect(one(w.feed(ok('a', at(3))), 'AlertResolved').reason).to.equal('recovered');
  });

  it('check_stalled: raises on a tick after max(afterSeconds, 3 × interval) of silence and resolves when a check arrives', () => {
    const w = world(rule('check-stalled'));
    w.feed(lifecycle('IntegrationConnected', 'a', at(0), { checkIntervalSeconds: 600 }), ok('a', at(1)));
    expect(w.feed(tick(at(30)))).to.be.empty; // 29 min: the 30 min limit (3 × 10 min) is not reached
    expect(w.feed(ok('b', at(31, 30)))).to.be.empty; // another integration's check raises nothing for a
    const raised = one(w.feed(tick(at(31, 30))), 'AlertRaised');
    expect(raised.scope).to.include({ integrationId: 'a' });
    expect(raised.facts).to.include({ limitSeconds: 1800, lastCheckAt: at(1) });
    expect(raised.summary).to.contain('has not been checked for 31 minutes (the limit is 30 minutes)');
    expect(w.feed(tick(at(40)))).to.be.empty;
    expect(one(w.feed(ok('a', at(41))), 'AlertResolved').alertId).to.equal(raised.alertId);
  });

  it('check_stalled: counts from the connection when never checked, and uses afterSeconds for an integration learned from a check', () => {
    const w = world(rule('check-stalled'));
    w.feed(lifecycle('IntegrationConnected', 'never', at(0), { checkIntervalSeconds: 60 }), ok('learned', at(0)));
    expect(w.feed(tick(at(14)))).to.be.empty;
    expect(types(w.feed(tick(at(15))))).to.deep.equal(['AlertRaised check-stalled learned', 'AlertRaised check-stalled never']);
  });

  it('provider_failure_rate: needs the minimum sample, raises above the threshold, resolves at it', () => {
    const w = world(rule('provider-failure-rate'));
    const checks = Array.from({ length: 19 }, (_, i) => (i < 10 ? fail(`i${i}`, at(1, i)) : ok(`i${i}`, at(1, i))));
    expect(w.feed(...checks)).to.be.empty; // 10 of 19 failed, but 19 < minSample 20
    const raised = one(w.feed(fail('i19', at(1, 30))), 'AlertRaised');
    expect(raised.scope).to.deep.equal({ type: 'provider', provider: 'gmail' });
    expect(raised.facts).to.include({ failureRatePercent: 55, failed: 11, sample: 20, thresholdPercent: 20 });
    expect(raised.summary).to.equal('Gmail: 55 % of checks failed in the last 15 minutes (11 of 20; the limit is 20 %).');
    expect(raised.notifyOwner).to.equal(false);
    // 11 failures are exactly 20 % of 55 checks: the 55th check resolves, not the 54th.
    expect(w.feed(...Array.from({ length: 34 }, (_, i) => ok(`j${i}`, at(2, i))))).to.be.empty;
    expect(one(w.feed(ok('j34', at(2, 40))), 'AlertResolved').reason).to.equal('recovered');
  });

  it('provider_failure_rate: the window is 15 whole minutes; when the sample slides out the alert resolves', () => {
    const w = world(rule('provider-failure-rate'));
    one(w.feed(...Array.from({ length: 20 }, (_, i) => fail(`i${i}`, at(1, i)))), 'AlertRaised');
    expect(w.feed(tick(at(15, 59)))).to.be.empty;
    one(w.feed(tick(at(16))), 'AlertResolved');
  });

  it('provider_latency_p95: raises once more than 1 in 20 successful checks is slow, resolves once no more than that is', () => {
    const w = world(rule('provider-latency-p95'));
    const fast = (n: number, from: number, m = 1) => Array.from({ length: n }, (_, i) => ok(`f${from + i}`, at(m, (from + i) % 60), { durationMs: 200 }));
    const slow = (n: number, from: number) => Array.from({ length: n }, (_, i) => ok(`s${from + i}`, at(2, from + i), { durationMs: 4000 }));
    // Fast failures (refused connections) are not in the sample: they would hide the slowness.
    w.feed(...Array.from({ length: 30 }, (_, i) => fail(`x${i}`, at(1, i), 'connection_refused', { durationMs: 50 })));
    expect(w.feed(...fast(90, 0), ...slow(5, 0))).to.be.empty; // 5 slow of 95: p95 is still fast
    const raised = one(w.feed(...slow(1, 5)), 'AlertRaised'); // 6 of 96
    expect(raised.facts).to.include({ sample: 96, thresholdMs: 3000 });
    expect(raised.facts.p95Ms).to.be.within(3800, 4200); // the sketch's ±5 %
    expect(raised.summary).to.match(/^Gmail is slow: 1 in 20 successful checks took longer than \d+(\.\d)? ms in the last 15 minutes/);
    expect(w.feed(...fast(5, 100, 3))).to.be.empty; // 6 slow of 101
    expect(one(w.feed(...fast(1, 105, 3)), 'AlertResolved').reason).to.equal('recovered'); // 6 of 102
  });

  it('provider_latency_p95: timeouts are failures, not slowness', () => {
    const w = world(rule('provider-latency-p95'));
    const out = w.feed(...Array.from({ length: 20 }, (_, i) => ok(`s${i}`, at(1, i), { durationMs: 200 })), ...Array.from({ length: 30 }, (_, i) => fail(`t${i}`, at(1, 30 + i), 'timeout', { durationMs: 5000 })));
    expect(out).to.be.empty;
  });

  describe('provider_incident', () => {
    // Eight Gmail integrations of six users: a and b belong to A, c and d to B.
    const owner: Record<string, string> = { a: 'A', b: 'A', c: 'B', d: 'B', e: 'C', f: 'D', g: 'E', h: 'F' };
    const ids = Object.keys(owner);
    const okAll = (time: number) => ids.map((id, i) => ok(id, time + i * 1000, { userId: owner[id] }));
    const down = (id: string, time: number, code = 'server_error') => fail(id, time, code, { userId: owner[id] });

    it('raises once enough integrations of enough users fail, counting each integration once', () => {
      const w = world(rule('provider-incident'));
      w.feed(...okAll(at(1)));
      expect(w.feed(down('a', at(2)), down('a', at(2, 10)), down('a', at(2, 20)), down('a', at(2, 30)), down('a', at(2, 40)))).to.be.empty; // one integration, five failures
      expect(w.feed(down('b', at(3)), down('c', at(3, 10)), down('d', at(3, 20)))).to.be.empty; // 4 integrations, 2 users
      const raised = one(w.feed(down('e', at(3, 30))), 'AlertRaised');
      expect(raised.scope).to.deep.equal({ type: 'provider', provider: 'gmail' });
      expect(raised.facts).to.include({ affectedIntegrations: 5, affectedUsers: 3, checkedIntegrations: 8, failingPercent: 62.5 });
      expect(raised.summary).to.equal('Gmail looks down: 5 integrations of 3 users are failing (62.5 % of those checked in the last 10 minutes).');
      expect(one(w.feed(ok('a', at(4), { userId: 'A' })), 'AlertResolved').reason).to.equal('recovered');
    });

    it('does not raise when the failing integrations belong to too few users', () => {
      const w = world(rule('provider-incident'));
      w.feed(...okAll(at(1)), ok('z', at(1, 30), { userId: 'A' }));
      expect(w.feed(...['a', 'b', 'c', 'd'].map((id) => down(id, at(2))), fail('z', at(2), 'server_error', { userId: 'A' }))).to.be.empty; // 5 of 9 integrations, 2 users
      expect(one(w.feed(down('f', at(2, 30))), 'AlertRaised').facts).to.include({ affectedIntegrations: 6, affectedUsers: 3 });
    });

    it('ends when the window moves past the failures and raises again when the same integrations fail again', () => {
      const w = world(rule('provider-incident', { cooldownSeconds: 0 }));
      w.feed(...okAll(at(1)));
      one(w.feed(...['a', 'b', 'c', 'd', 'e'].map((id) => down(id, at(1, 30)))), 'AlertRaised');
      one(w.feed(tick(at(11))), 'AlertResolved'); // nothing checked in the last 10 minutes
      const second = one(w.feed(...['a', 'b', 'c', 'd', 'e'].map((id) => down(id, at(11, 10)))), 'AlertRaised');
      expect(second.facts).to.include({ affectedIntegrations: 5, affectedUsers: 3, checkedIntegrations: 5 });
    });

    it('does not raise while failing integrations are under the share of those checked', () => {
      const w = world(rule('provider-incident'));
      w.feed(...okAll(at(1)), ...['x1', 'x2', 'x3', 'x4'].map((id) => ok(id, at(1, 30))));
      expect(w.feed(...['a', 'c', 'e', 'f', 'g'].map((id) => down(id, at(2))))).to.be.empty; // 5 of 12 = 41.7 %
    });

    it('inhibits integration alerts of that provider, keeps open ones, and raises the rest after it ends', () => {
      const w = world(rule('integration-red'), rule('provider-incident'));
      w.feed(...okAll(at(1)));
      const early = w.feed(down('a', at(2)), down('a', at(2, 10)), down('a', at(2, 20)));
      expect(types(early)).to.deep.equal(['AlertRaised integration-red a']);
      expect(types(w.feed(...['b', 'c', 'd'].map((id) => down(id, at(3)))))).to.be.empty;
      expect(types(w.feed(down('e', at(3, 30))))).to.deep.equal(['AlertRaised provider-incident gmail']);
      // b…e turn red during the incident: inhibited. A reauth request is inhibited too.
      const during = w.feed(...['b', 'c', 'd', 'e'].flatMap((id) => [down(id, at(4)), down(id, at(4, 30))]), tick(at(5)));
      expect(during).to.be.empty;
      // a recovers: the incident ends (4 failing < 5) and so does a's own alert.
      expect(types(w.feed(ok('a', at(6), { userId: 'A' })))).to.deep.equal(['AlertResolved provider-incident gmail', 'AlertResolved integration-red a']);
      expect(types(w.feed(tick(at(6, 15))))).to.deep.equal(['AlertRaised integration-red b', 'AlertRaised integration-red c', 'AlertRaised integration-red d', 'AlertRaised integration-red e']);
    });

    it('inhibits reauth alerts but not stalled checks (those are Pulse’s own problem)', () => {
      const w = world(rule('reauth-required'), rule('check-stalled'), rule('provider-incident'));
      w.feed(lifecycle('IntegrationConnected', 'a', at(0), { userId: 'A' }), ...okAll(at(1)));
      one(w.feed(...['b', 'c', 'd', 'e', 'f'].map((id) => down(id, at(2)))), 'AlertRaised');
      expect(w.feed(lifecycle('ReauthRequired', 'a', at(3)))).to.be.empty;
      expect(types(w.feed(tick(at(1, 30) + 15 * 60_000)))).to.include('AlertRaised check-stalled g');
    });
  });
});

describe('alert evaluator: scope and lifecycle', () => {
  it('applies a rule only to its provider and evaluates nothing for a disabled rule', () => {
    const w = world(rule('integration-red', { provider: 'slack' }), rule('consecutive-failures', { enabled: false, params: { failures: 1 } }));
    expect(w.feed(fail('a', at(1), 'unauthorized'))).to.be.empty;
    expect(types(w.feed(fail('s', at(2), 'unauthorized', { provider: 'slack' })))).to.deep.equal(['AlertRaised integration-red s']);
  });

  it('evaluates a provider rule only for its provider', () => {
    const w = world(rule('provider-failure-rate', { provider: 'slack' }));
    expect(w.feed(...Array.from({ length: 25 }, (_, i) => fail(`g${i}`, at(1, i))))).to.be.empty;
    const raised = one(w.feed(...Array.from({ length: 20 }, (_, i) => fail(`s${i}`, at(2, i), 'server_error', { provider: 'slack' }))), 'AlertRaised');
    expect(raised.summary).to.match(/^Slack: 100 % of checks failed/);
  });

  it('resolves a rule’s open alerts when it is disabled, narrowed to another provider, or deleted', () => {
    const red = rule('integration-red');
    const w = world(red, rule('consecutive-failures', { params: { failures: 1 } }));
    w.feed(fail('a', at(1), 'unauthorized'), fail('s', at(1), 'unauthorized', { provider: 'slack' }));
    const narrowed = w.feed({ kind: 'rule_saved', rule: { ...red, provider: 'slack' }, at: at(2) });
    expect(types(narrowed)).to.deep.equal(['AlertResolved integration-red a']);
    expect(one(narrowed, 'AlertResolved').reason).to.equal('rule_changed');
    const disabled = w.feed({ kind: 'rule_saved', rule: { ...red, enabled: false }, at: at(3) });
    expect(one(disabled, 'AlertResolved')).to.include({ reason: 'rule_disabled', summary: 'The alert rule “Integration is red” was turned off, so its alert about Slack integration s of user u-s is closed.' });
    expect(w.feed(fail('s', at(4), 'unauthorized', { provider: 'slack' }), tick(at(30))).filter((t) => t.ruleId === red.id)).to.be.empty;
    const deleted = w.feed({ kind: 'rule_deleted', ruleId: 'default-consecutive-failures', at: at(31) });
    expect(types(deleted)).to.deep.equal(['AlertResolved consecutive-failures a', 'AlertResolved consecutive-failures s']);
    expect(deleted.every((t) => t.type === 'AlertResolved' && t.reason === 'rule_deleted')).to.equal(true);
    expect(w.feed(fail('a', at(32)), tick(at(60)))).to.be.empty;
  });

  it('closes a disconnected integration’s alerts and forgets it, even if a check was still in flight', () => {
    const w = world(rule('integration-red'), rule('check-stalled'));
    w.feed(lifecycle('IntegrationConnected', 'a', at(0)));
    const raised = one(w.feed(fail('a', at(1), 'unauthorized')), 'AlertRaised');
    const closed = one(w.feed(lifecycle('IntegrationDisconnected', 'a', at(2))), 'AlertResolved');
    expect(closed).to.include({ alertId: raised.alertId, reason: 'integration_disconnected', summary: 'Gmail “Work inbox” of user u-a was disconnected, so its alert is closed.' });
    expect(w.feed(fail('a', at(3), 'unauthorized'), tick(at(60)), tick(at(24 * 60 + 5)))).to.be.empty;
    expect(w.state.integrations).to.not.have.property('a');
    expect(w.state.departed).to.deep.equal({}); // forgotten entirely after a day
  });

  it('learns an integration from its first check when the connect event has not arrived yet', () => {
    const w = world(rule('integration-red'));
    const raised = one(w.feed(fail('a', at(1), 'forbidden', { userId: 'ann', provider: 'google_calendar' })), 'AlertRaised');
    expect(raised.scope).to.deep.equal({ type: 'integration', integrationId: 'a', userId: 'ann', provider: 'google_calendar' });
    expect(raised.summary).to.match(/^Google Calendar integration a of user ann is red: /);
    w.feed(lifecycle('IntegrationConnected', 'a', at(2), { userId: 'ann', provider: 'google_calendar', displayName: 'Team calendar' }));
    expect(w.state.integrations.a?.health?.consecutiveFailures).to.equal(1); // what the check taught is kept
  });

  it('counts a check delivered twice once, in a row of failures and in the provider window', () => {
    const w = world(rule('consecutive-failures', { params: { failures: 2 } }), rule('provider-failure-rate', { params: { windowSeconds: 900, thresholdPercent: 20, minSample: 2 } }));
    const once = fail('a', at(1));
    expect(w.feed(once, once)).to.be.empty;
    expect(types(w.feed(fail('a', at(2))))).to.deep.equal(['AlertRaised provider-failure-rate gmail', 'AlertRaised consecutive-failures a']);
  });
});

describe('alert evaluator: noise controls', () => {
  const red = (over: Partial<AlertRule> = {}) => rule('integration-red', over);

  it('cooldown: no re-raise within cooldownSeconds of a resolve, then raises at the next evaluation if still true', () => {
    const w = world(red());
    one(w.feed(fail('a', at(1), 'unauthorized')), 'AlertRaised');
    one(w.feed(ok('a', at(2))), 'AlertResolved');
    expect(w.feed(fail('a', at(3), 'unauthorized'), tick(at(11, 59)))).to.be.empty; // cooldown until 12:00
    const again = one(w.feed(tick(at(12))), 'AlertRaised');
    expect(again.openedAt).to.equal(at(12));
  });

  it('cooldown: nothing is raised afterwards if the condition cleared in the meantime', () => {
    const w = world(red());
    w.feed(fail('a', at(1), 'unauthorized'), ok('a', at(2)), fail('a', at(3), 'unauthorized'), ok('a', at(4)));
    expect(w.feed(tick(at(13)))).to.be.empty;
  });

  it('flapping: after many transitions a raise is flagged and resolves only once clear for stableSeconds', () => {
    const w = world(red({ cooldownSeconds: 0 }));
    const flips = w.feed(fail('a', at(1), 'unauthorized'), ok('a', at(2)), fail('a', at(3), 'unauthorized'), ok('a', at(4)));
    expect(flips.map((t) => t.type)).to.deep.equal(['AlertRaised', 'AlertResolved', 'AlertRaised', 'AlertResolved']);
    expect(flips.filter((t): t is AlertRaised => t.type === 'AlertRaised').map((t) => t.flapping)).to.deep.equal([false, false]);
    expect(one(w.feed(fail('a', at(5), 'unauthorized')), 'AlertRaised').flapping).to.equal(true);
    expect(w.feed(ok('a', at(6)), fail('a', at(7), 'unauthorized'), ok('a', at(8)))).to.be.empty; // damped; clear again since 8
    expect(w.feed(tick(at(17)))).to.be.empty; // clear since 6 would already resolve here
    one(w.feed(tick(at(18))), 'AlertResolved');
  });

  it('flapping: transitions older than the window do not count', () => {
    const w = world(red({ cooldownSeconds: 0 }));
    w.feed(fail('a', at(1), 'unauthorized'), ok('a', at(2)), fail('a', at(3), 'unauthorized'), ok('a', at(4)));
    expect(one(w.feed(fail('a', at(62), 'unauthorized')), 'AlertRaised').flapping).to.equal(false); // only 3 within the hour
  });

  it('suppression: mutes matching raises until it ends, then raises what still holds', () => {
    const w = world(red());
    w.feed({ kind: 'suppression_saved', suppression: { id: 's1', ruleId: null, provider: 'gmail', integrationId: null, startsAt: null, endsAt: at(30), reason: 'Gmail outage, known' }, at: at(0) });
    expect(w.feed(fail('a', at(1), 'unauthorized'), tick(at(29)))).to.be.empty;
    expect(types(w.feed(fail('s', at(2), 'unauthorized', { provider: 'slack' })))).to.deep.equal(['AlertRaised integration-red s']);
    expect(types(w.feed(tick(at(30))))).to.deep.equal(['AlertRaised integration-red a']);
  });

  it('suppression: only when every field it names matches; deleting it lifts it at the next evaluation', () => {
    const w = world(red(), rule('consecutive-failures', { params: { failures: 1 } }));
    const mute = { id: 's1', ruleId: 'default-integration-red', provider: null, integrationId: 'a', startsAt: null, endsAt: at(600), reason: 'customer migrating' };
    w.feed({ kind: 'suppression_saved', suppression: mute, at: at(0) });
    expect(types(w.feed(fail('a', at(1), 'unauthorized'), fail('b', at(1), 'unauthorized')))).to.deep.equal([
      'AlertRaised consecutive-failures a', // another rule
      'AlertRaised consecutive-failures b',
      'AlertRaised integration-red b', // another integration
    ]);
    expect(w.feed({ kind: 'suppression_deleted', suppressionId: 's1', at: at(2) })).to.be.empty;
    expect(types(w.feed(tick(at(3))))).to.deep.equal(['AlertRaised integration-red a']);
  });

  it('maintenance window: raises before it starts; inside it an open alert stays open and does not escalate until it ends', () => {
    const w = world(red());
    w.feed({ kind: 'suppression_saved', suppression: { id: 'm1', ruleId: null, provider: 'gmail', integrationId: null, startsAt: at(10), endsAt: at(60), reason: 'Gmail maintenance' }, at: at(0) });
    const raised = one(w.feed(fail('a', at(5), 'unauthorized')), 'AlertRaised');
    expect(w.feed(fail('b', at(11), 'unauthorized'))).to.be.empty; // inside the window
    expect(w.feed(tick(at(36)), tick(at(59)))).to.be.empty; // a is due to escalate at 35, but muted
    expect(types(w.feed(tick(at(60))))).to.deep.equal(['AlertRaised integration-red b', 'AlertEscalated integration-red a']);
    expect(w.state.suppressions).to.deep.equal({}); // ended: forgotten
    expect(one(w.feed(ok('a', at(61))), 'AlertResolved').alertId).to.equal(raised.alertId);
  });

  it('escalation: once, at openedAt + escalateAfterSeconds, to the escalation channels', () => {
    const w = world(red({ escalationChannels: [{ type: 'webhook', webhookId: 'b3a1f0c2-1d2e-4f3a-9b4c-5d6e7f809a1b' }] }));
    const raised = one(w.feed(fail('a', at(1), 'unauthorized')), 'AlertRaised');
    expect(w.feed(tick(at(30, 59)))).to.be.empty;
    const escalated = one(w.feed(tick(at(31))), 'AlertEscalated');
    expect(escalated).to.include({ alertId: raised.alertId, transitionId: `${raised.alertId}:escalated`, openedAt: at(1), occurredAt: at(31) });
    expect(escalated.channels).to.deep.equal([{ type: 'webhook', webhookId: 'b3a1f0c2-1d2e-4f3a-9b4c-5d6e7f809a1b' }]);
    expect(escalated.summary).to.equal(`Nobody has acknowledged this for 30 minutes: ${raised.summary}`);
    expect(w.feed(tick(at(45)), tick(at(90)))).to.be.empty;
  });

  it('escalation: an acknowledged alert does not escalate; an unknown id is ignored', () => {
    const w = world(red(), rule('consecutive-failures', { params: { failures: 1 }, escalateAfterSeconds: 1800 }));
    const redAlert = w.feed(fail('a', at(1), 'unauthorized')).find((t) => t.ruleId === 'default-integration-red');
    expect(w.feed({ kind: 'acknowledged', alertId: redAlert?.alertId ?? '', by: 'ops@example.com', at: at(10) })).to.be.empty;
    expect(w.feed({ kind: 'acknowledged', alertId: 'no-such-alert', by: 'ops@example.com', at: at(11) })).to.be.empty;
    expect(types(w.feed(tick(at(31))))).to.deep.equal(['AlertEscalated consecutive-failures a']);
  });

  it('raises the same (rule, scope) at most once while it is open', () => {
    const w = world(red(), rule('provider-failure-rate'));
    const out = w.feed(...Array.from({ length: 40 }, (_, i) => fail('a', at(1, i), 'unauthorized')), tick(at(2)), tick(at(3)));
    expect(types(out)).to.deep.equal(['AlertRaised integration-red a', 'AlertRaised provider-failure-rate gmail']);
  });
});

describe('alert evaluator: ids, state and replay', () => {
  const story = (): EvaluatorInput[] => {
    const owner = (id: string) => ({ userId: `user-${id.charCodeAt(0) % 4}` });
    const ids = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
    return [
      ...defaultRules(['ops@example.com']).map((r): EvaluatorInput => ({ kind: 'rule_saved', rule: { ...r, cooldownSeconds: 120 }, at: T0 })),
      ...ids.map((id, i) => lifecycle('IntegrationConnected', id, at(0, i), owner(id))),
      ...ids.map((id, i) => ok(id, at(1, i), owner(id))),
      { kind: 'suppression_saved', suppression: { id: 's1', ruleId: null, provider: null, integrationId: 'h', startsAt: at(2), endsAt: at(9), reason: 'test' }, at: at(1, 30) },
      ...[0, 1, 2].flatMap((k) => ids.slice(0, 6).map((id, i) => fail(id, at(2 + k, i * 5), 'server_error', owner(id)))),
      fail('h', at(3), 'unauthorized', owner('h')),
      tick(at(5)),
      ...ids.slice(0, 3).map((id, i) => ok(id, at(6, i), owner(id))),
      lifecycle('ReauthRequired', 'g', at(6, 30)),
      tick(at(7)),
      { kind: 'acknowledged', alertId: alertIdOf('default-integration-red', 'integration:d', at(4, 15)), by: 'ops', at: at(8) },
      ...Array.from({ length: 25 }, (_, i) => ok(`x${i}`, at(9, i), { provider: 'slack', durationMs: 3500, ...owner(`x${i}`) })),
      lifecycle('IntegrationDisconnected', 'e', at(10)),
      fail('a', at(11), 'unauthorized', owner('a')),
      ok('a', at(12), owner('a')),
      fail('a', at(13), 'unauthorized', owner('a')),
      ok('a', at(14), owner('a')),
      fail('a', at(17), 'unauthorized', owner('a')),
      ok('a', at(18), owner('a')),
      tick(at(20)),
      { kind: 'rule_saved', rule: { ...rule('consecutive-failures'), enabled: false }, at: at(21) },
      tick(at(40)),
      lifecycle('ReauthCompleted', 'g', at(41)),
      ...ids.map((id, i) => ok(id, at(42, i), owner(id))),
      { kind: 'rule_deleted', ruleId: 'default-check-stalled', at: at(43) },
      tick(at(50)),
      tick(at(24 * 60 + 50)),
    ];
  };

  const run = (inputs: EvaluatorInput[], state: EvaluatorState = emptyState()) => inputs.map((input) => evaluate(state, input, settings));
  const entriesOf = (state: EvaluatorState) => JSON.parse(JSON.stringify({ ...state, dirty: {} }));

  it('names alerts deterministically: the same inputs give the same ids, as UUIDs derived from rule, scope and opening time', () => {
    const inputs = story();
    const first = run(inputs).flat();
    expect(run(inputs).flat()).to.deep.equal(first);
    expect(first.length).to.be.greaterThan(20);
    for (const t of first) {
      expect(z.uuid().safeParse(t.alertId).success, t.alertId).to.equal(true);
      const scopeKey = t.scope.type === 'integration' ? `integration:${t.scope.integrationId}` : `provider:${t.scope.provider}`;
      expect(t.alertId).to.equal(alertIdOf(t.ruleId, scopeKey, t.openedAt));
      expect(t.transitionId).to.equal(`${t.alertId}:${t.type.replace('Alert', '').toLowerCase()}`);
    }
    const reRaised = first.filter((t) => t.type === 'AlertRaised' && t.ruleId === 'default-integration-red' && 'integrationId' in t.scope && t.scope.integrationId === 'a');
    expect(new Set(reRaised.map((t) => t.alertId)).size).to.equal(reRaised.length).and.to.be.greaterThan(1);
  });

  it('restoring from the changes taken so far and carrying on behaves exactly like never stopping, at every split point', () => {
    const inputs = story();
    const reference = emptyState();
    const expected = run(inputs, reference);
    for (let split = 0; split <= inputs.length; split++) {
      const before = emptyState();
      const log: { key: string; value: unknown }[] = [];
      for (const input of inputs.slice(0, split)) {
        evaluate(before, input, settings);
        log.push(...takeChanges(before)); // as the runtime does after each batch
      }
      const restored = restoreState(JSON.parse(JSON.stringify(log)));
      expect(run(inputs.slice(split), restored), `split at ${split}`).to.deep.equal(expected.slice(split));
      expect(entriesOf(restored), `state after split at ${split}`).to.deep.equal(entriesOf(reference));
    }
  });

  it('hands over each changed entry once, deletions as null', () => {
    const w = world(rule('integration-red'));
    takeChanges(w.state);
    w.feed(lifecycle('IntegrationConnected', 'a', at(0)), fail('a', at(1), 'unauthorized'));
    expect(takeChanges(w.state).map((c) => c.key)).to.deep.equal(['alert:default-integration-red|integration:a', 'clock', 'integration:a']);
    expect(takeChanges(w.state)).to.deep.equal([]);
    w.feed(lifecycle('IntegrationDisconnected', 'a', at(2)));
    expect(takeChanges(w.state)).to.deep.include.members([
      { key: 'integration:a', value: null },
      { key: 'alert:default-integration-red|integration:a', value: null },
      { key: 'departed:a', value: at(2) },
    ]);
  });

  it('keeps the state small: old window buckets, cooled-down alerts and departed integrations are pruned', () => {
    const w = world(rule('integration-red'), rule('provider-failure-rate'), rule('provider-incident'));
    w.feed(...Array.from({ length: 30 }, (_, i) => fail(`i${i}`, at(1, i), 'unauthorized')), ...Array.from({ length: 30 }, (_, i) => ok(`i${i}`, at(3, i))));
    w.feed(lifecycle('IntegrationDisconnected', 'i0', at(4)));
    expect(Object.keys(w.state.buckets)).to.have.length(2);
    w.feed(tick(at(20)));
    expect(Object.keys(w.state.buckets)).to.deep.equal([]); // beyond the longest window (15 min)
    w.feed(tick(at(4 + 24 * 60)));
    expect(w.state.alerts).to.deep.equal({}); // resolved, cooled down, no recent transitions
    expect(w.state.departed).to.deep.equal({});
    expect(Object.keys(w.state.integrations)).to.have.length(29);
    const biggest = Math.max(...takeChanges(w.state).map((c) => JSON.stringify(c.value).length));
    expect(biggest).to.be.lessThan(1000);
  });

  // How fast this goes is a benchmark's business: `npm run bench:alerts` prints checks/s.
  it('evaluates a burst of 7,000 checks with the default rules: exactly the always-failing integrations alert', () => {
    const w = world(...defaultRules(['ops@example.com']));
    const checks: EvaluatorInput[] = [];
    const failing = new Set<string>();
    for (let round = 0; round < 10; round++) {
      for (let i = 0; i < 700; i++) {
        const time = at(round, (i * 30) / 700);
        if (i % 7 === 0) failing.add(`i${i}`);
        checks.push(i % 7 === 0 ? fail(`i${i}`, time, 'timeout', { userId: `u${i % 300}` }) : ok(`i${i}`, time, { userId: `u${i % 300}`, durationMs: 100 + (i % 900) }));
      }
    }
    const out = w.feed(...checks);
    const scopes = (ruleId: string) => out.filter((t) => t.ruleId === ruleId).map((t) => ('integrationId' in t.scope ? t.scope.integrationId : t.scope.provider)).sort();
    expect(out.every((t) => t.type === 'AlertRaised')).to.equal(true);
    expect(scopes('default-integration-red')).to.deep.equal([...failing].sort());
    expect(scopes('default-consecutive-failures')).to.deep.equal([...failing].sort());
    expect(out).to.have.length(2 * failing.size); // 1 in 7 failing stays under the provider failure-rate threshold
    expect(Object.keys(w.state.integrations)).to.have.length(700);
  });
});

describe('backtest', () => {
  const history = (): EvaluatorInput[] => {
    const inputs: EvaluatorInput[] = [];
    for (let m = 0; m < 120; m++) {
      const failing = (m >= 20 && m < 45) || (m >= 80 && m < 90);
      for (let i = 0; i < 3; i++) inputs.push(failing && i < 2 ? fail(`i${i}`, at(m, i * 10), 'server_error') : ok(`i${i}`, at(m, i * 10)));
    }
    return inputs;
  };

  it('is what a live evaluator with the same rule and ticks would have said', () => {
    const failureRate = rule('provider-failure-rate', { escalateAfterSeconds: 600 });
    const inputs = history();
    const result = backtest(failureRate, inputs, { from: at(0), to: at(130), tickSeconds: 60, settings });

    const live = world(failureRate);
    const said: AlertTransition[] = [];
    let nextTick = at(0);
    for (const input of inputs) {
      const time = input.kind === 'check' ? input.check.completedAt : at(0);
      for (; nextTick < time; nextTick += 60_000) said.push(...live.feed(tick(nextTick)));
      said.push(...live.feed(input));
    }
    for (; nextTick <= at(130); nextTick += 60_000) said.push(...live.feed(tick(nextTick)));

    expect(result.transitions).to.deep.equal(said);
    expect(types(result.transitions)).to.deep.equal([
      'AlertRaised provider-failure-rate gmail',
      'AlertEscalated provider-failure-rate gmail',
      'AlertResolved provider-failure-rate gmail',
      'AlertRaised provider-failure-rate gmail',
      'AlertEscalated provider-failure-rate gmail',
      'AlertResolved provider-failure-rate gmail',
    ]);
    expect(result.summary).to.deep.equal({ raised: 2, resolved: 2, escalated: 2, scopes: 1, firstAt: result.transitions[0]?.occurredAt, lastAt: result.transitions.at(-1)?.occurredAt });
  });

  it('reports only what happened between from and to; earlier inputs just warm up', () => {
    const result = backtest(rule('provider-failure-rate'), history(), { from: at(30), to: at(85), tickSeconds: 60, settings });
    expect(types(result.transitions)).to.deep.equal(['AlertResolved provider-failure-rate gmail', 'AlertRaised provider-failure-rate gmail']);
    expect(result.summary).to.include({ raised: 1, resolved: 1, escalated: 0, scopes: 1 });
    expect(result.transitions.every((t) => t.occurredAt >= at(30) && t.occurredAt <= at(85))).to.equal(true);
  });
});
