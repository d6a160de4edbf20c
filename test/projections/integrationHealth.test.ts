// Projection `integration_health`: the current health of each integration, from HealthChecked.
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { integrationHealthProjection } from '../../projections/integrationHealth.js';
import { aCheck, aFailedCheck } from '../support/checks.js';
import { projectionSpec, type Then } from '../support/projectionSpec.js';

const t0 = Date.parse('2026-11-01T10:00:00Z');
const minute = 60_000;

describe('projection: integration_health', () => {
  const spec = projectionSpec(integrationHealthProjection({ slowCheckMs: 2_000, failuresBeforeRed: 3 }));
  let integrationId: string;
  beforeEach(() => (integrationId = `int-${randomUUID()}`));
  const at = (n: number) => ({ integrationId, startedAt: t0 + n * minute });

  const health = async ({ rows }: Then) => {
    const found = await rows(
      `SELECT provider, status, consecutive_failures, latency_ms, http_status, error_code, error_detail, error_message,
              error_resolution, error_docs_url, check_count, last_event_id, last_checked_at, last_success_at, last_failure_at, next_check_at
         FROM integration_health_checks WHERE integration_id = $1`,
      [integrationId],
    );
    return found[0] as Record<string, any>;
  };

  it('a successful check makes the integration green, with its latency, HTTP status and event times', () => {
    const check = aCheck({ ...at(0), durationMs: 140, httpStatus: 204 });
    return spec.given(check).thenRows(async (t) => {
      expect(await health(t)).to.deep.equal({
        provider: 'http', status: 'green', consecutive_failures: 0, latency_ms: 140, http_status: 204, error_code: null, error_detail: null,
        error_message: null, error_resolution: null, error_docs_url: null, check_count: 1, last_event_id: check.eventId,
        last_checked_at: new Date(check.completedAt), last_success_at: new Date(check.completedAt), last_failure_at: null,
        next_check_at: new Date(check.nextCheckAt as number),
      });
      expect(t.changed).to.deep.equal([[integrationId]]);
    });
  });

  it('a slow successful check is yellow and says why', () =>
    spec.given(aCheck({ ...at(0), durationMs: 2_500 })).thenRows(async (t) => {
      expect(await health(t)).to.include({ status: 'yellow', error_code: 'slow_response', error_detail: 'answered in 2500 ms (limit 2000 ms)' });
    }));

  it('a transient failure is yellow while it has failed fewer than FAILURES_BEFORE_RED times in a row', () =>
    spec
      .given(aCheck(at(0)))
      .given(aFailedCheck('timeout', at(1)), aFailedCheck('timeout', at(2)))
      .thenRows(async (t) => expect(await health(t)).to.include({ status: 'yellow', consecutive_failures: 2, error_code: 'timeout' })));

  it('a transient failure is red once it has failed FAILURES_BEFORE_RED times in a row, across batches', () =>
    spec
      .given(aCheck(at(0)))
      .given(aFailedCheck('timeout', at(1)), aFailedCheck('timeout', at(2)))
      .given(aFailedCheck('timeout', at(3)))
      .thenRows(async (t) => {
        const row = await health(t);
        expect(row).to.include({ status: 'red', consecutive_failures: 3, error_code: 'timeout', check_count: 4 });
        expect(row.last_success_at).to.deep.equal(new Date(t0 + 120));
        expect(row.last_failure_at).to.deep.equal(new Date(t0 + 3 * minute + 120));
      }));

  it('a failure only the user can fix is red at once, with the advice stored step by step', () =>
    spec.given(aFailedCheck('unauthorized', at(0))).thenRows(async (t) => {
      const row = await health(t);
      expect(row).to.include({ status: 'red', consecutive_failures: 1, error_code: 'unauthorized', error_docs_url: 'troubleshooting.md#unauthorized' });
      expect(row.error_message).to.be.a('string').and.not.equal('');
      expect(row.error_resolution.split('\n')).to.have.length.above(0);
    }));

  it('a success after failures is green again and forgets the error', () =>
    spec
      .given(aFailedCheck('timeout', at(0)), aFailedCheck('timeout', at(1)), aFailedCheck('timeout', at(2)))
      .given(aCheck(at(3)))
      .thenRows(async (t) => {
        const row = await health(t);
        expect(row).to.include({ status: 'green', consecutive_failures: 0, error_code: null, check_count: 4 });
        expect(row.last_failure_at).to.deep.equal(new Date(t0 + 2 * minute + 120));
      }));

  it('the same check delivered twice is counted once', () => {
    const check = aFailedCheck('timeout', at(0));
    return spec
      .given(check)
      .given(check)
      .thenRows(async (t) => expect(await health(t)).to.include({ check_count: 1, consecutive_failures: 1 }));
  });

  it('a late check older than the current observation is counted but does not change the status', () => {
    const newer = aCheck(at(5));
    return spec
      .given(newer)
      .given(aFailedCheck('unauthorized', at(1)))
      .thenRows(async (t) => {
        const row = await health(t);
        expect(row).to.include({ status: 'green', consecutive_failures: 0, check_count: 2, error_code: null });
        expect(row.last_checked_at).to.deep.equal(new Date(newer.completedAt));
      });
  });

  it('checks of several integrations in one batch each update their own row', () => {
    const other = `int-${randomUUID()}`;
    return spec
      .given(aCheck(at(0)), aFailedCheck('unauthorized', { integrationId: other, startedAt: t0 }))
      .thenRows(async (t) => {
        expect(await health(t)).to.include({ status: 'green' });
        const [row] = await t.rows('SELECT status FROM integration_health_checks WHERE integration_id = $1', [other]);
        expect(row).to.deep.equal({ status: 'red' });
        expect(t.changed[0]).to.have.members([integrationId, other]);
      });
  });

  it('U+0000 in an error message from another producer is stored as U+FFFD', () =>
    spec
      .given(aFailedCheck('timeout', { ...at(0), error: { code: 'timeout', message: 'no answer\u0000 in 10 s', retryAfterSeconds: null } }))
      .thenRows(async (t) => expect(await health(t)).to.include({ error_detail: 'no answer\ufffd in 10 s' })));
});
