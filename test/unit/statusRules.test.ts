import { expect } from 'chai';
import { evolveHealth, nextStanding, statusFromCheck, type HealthStanding, type IntegrationHealth } from '../../health/statusRules.js';
import { aCheck, aFailedCheck } from '../support/checks.js';

const rules = { slowCheckMs: 2000, failuresBeforeRed: 3 };

function fold(checks: ReturnType<typeof aCheck>[]): IntegrationHealth {
  return checks.reduce<IntegrationHealth | undefined>((h, c) => evolveHealth(h, c, rules), undefined) as IntegrationHealth;
}

describe('status rules', () => {
  it('is green after a fast successful check', () => {
    expect(statusFromCheck(aCheck({ durationMs: 150 }), 0, rules)).to.equal('green');
  });

  it('is yellow when a successful check is slower than the threshold', () => {
    expect(statusFromCheck(aCheck({ durationMs: 2500 }), 0, rules)).to.equal('yellow');
  });

  it('is yellow when quota use reaches 80 %', () => {
    expect(statusFromCheck(aCheck({ quota: { used: 80, limit: 100 } }), 0, rules)).to.equal('yellow');
    expect(statusFromCheck(aCheck({ quota: { used: 79, limit: 100 } }), 0, rules)).to.equal('green');
  });

  it('turns a transient failure yellow, then red once failures persist', () => {
    const t = Date.parse('2026-11-01T10:00:00Z');
    const statuses = [0, 1, 2].map((i) => fold([aCheck({ startedAt: t }), ...Array.from({ length: i + 1 }, (_, k) => aFailedCheck('server_error', { startedAt: t + (k + 1) * 1000 }))]).status);
    expect(statuses).to.deep.equal(['yellow', 'yellow', 'red']);
  });

  it('is red at once when only the user can fix it', () => {
    for (const code of ['unauthorized', 'forbidden', 'invalid_config', 'target_not_allowed']) {
      expect(statusFromCheck(aFailedCheck(code), 1, rules), code).to.equal('red');
    }
  });
});

describe('evolveHealth', () => {
  const t = Date.parse('2026-11-01T10:00:00Z');

  it('keeps the last success time through failures and resets the failure count on success', () => {
    const h = fold([
      aCheck({ startedAt: t }),
      aFailedCheck('timeout', { startedAt: t + 60_000 }),
      aFailedCheck('timeout', { startedAt: t + 120_000 }),
    ]);
    expect(h.lastSuccessAt).to.equal(t + 120);
    expect(h.consecutiveFailures).to.equal(2);
    expect(h.error?.code).to.equal('timeout');
    expect(h.error?.steps).to.be.an('array').that.is.not.empty;
    const recovered = evolveHealth(h, aCheck({ startedAt: t + 180_000 }), rules);
    expect(recovered).to.include({ status: 'green', consecutiveFailures: 0, error: null, checkCount: 4 });
  });

  it('counts a late, older check but does not let it overwrite the newer state', () => {
    const newer = fold([aFailedCheck('timeout', { startedAt: t + 60_000 })]);
    const after = evolveHealth(newer, aCheck({ startedAt: t }), rules);
    expect(after.status).to.equal('yellow');
    expect(after.lastCheckedAt).to.equal(newer.lastCheckedAt);
    expect(after.checkCount).to.equal(2);
  });

  it('explains a yellow degraded status even though the check succeeded', () => {
    const slow = fold([aCheck({ durationMs: 2500 })]);
    expect(slow.status).to.equal('yellow');
    expect(slow.error).to.include({ code: 'slow_response' });
    expect(slow.error?.detail).to.contain('2500 ms');
    expect(fold([aCheck({ quota: { used: 90, limit: 100 } })]).error?.code).to.equal('quota_high');
    expect(fold([aCheck()]).error).to.equal(null);
  });

  it('gives every error a message, resolution steps and a docs link', () => {
    const h = fold([aFailedCheck('connection_refused')]);
    expect(h.error).to.include({ code: 'connection_refused' });
    expect(h.error?.message).to.match(/refused/);
    expect(h.error?.docsPath).to.equal('troubleshooting.md#connection_refused');
  });
});

describe('nextStanding (what decides the next status)', () => {
  const t = Date.parse('2026-11-01T10:00:00Z');
  const checks = [
    aCheck({ startedAt: t }),
    aFailedCheck('timeout', { startedAt: t + 60_000 }),
    aCheck({ startedAt: t + 30_000 }), // a late retry of an older check
    aFailedCheck('server_error', { startedAt: t + 120_000 }),
    aFailedCheck('server_error', { startedAt: t + 180_000 }),
    aCheck({ startedAt: t + 240_000, durationMs: 2500 }),
  ];

  it('agrees with the health row at every step, late checks included', () => {
    let standing: HealthStanding | undefined;
    let row: IntegrationHealth | undefined;
    for (const c of checks) {
      standing = nextStanding(standing, c, rules);
      row = evolveHealth(row, c, rules);
      const { status, lastCheckedAt, lastSuccessAt, lastFailureAt, consecutiveFailures, lastEventId } = row;
      expect(standing, c.eventId).to.deep.equal({ status, lastCheckedAt, lastSuccessAt, lastFailureAt, consecutiveFailures, errorCode: row.error?.code ?? null, lastEventId });
    }
  });

  it('answers the very same standing for the same check delivered again', () => {
    const once = nextStanding(undefined, checks[0]!, rules);
    expect(nextStanding(once, checks[0]!, rules)).to.equal(once);
  });
});
