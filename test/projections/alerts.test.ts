// Projection `alerts`: one row per alert (open or resolved, escalated, acknowledged, what was
// delivered) and every event of every alert.
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { alertsProjection } from '../../projections/alerts.js';
import { aDelivery, aFailedDelivery, anAcknowledgement, anAlert, anEscalation, aRaise, aResolution } from '../support/alertEvents.js';
import { projectionSpec, type Then } from '../support/projectionSpec.js';

const t0 = Date.parse('2026-11-01T10:00:00Z');
const minute = 60_000;

describe('projection: alerts', () => {
  const spec = projectionSpec(alertsProjection);
  let alertId: string;
  let integrationId: string;
  beforeEach(() => {
    alertId = randomUUID();
    integrationId = `int-${randomUUID()}`;
  });
  /** The facts of this spec's alert: about its own integration, owned by user-7. */
  const mine = (more = {}) => anAlert({ scope: { type: 'integration', provider: 'http', integrationId, userId: 'user-7' }, ...more });
  const raise = (more = {}) => aRaise({ alertId, occurredAt: t0, alert: mine(), ...more });

  const alert = async ({ rows }: Then) =>
    (await rows(
      `SELECT rule_id, rule_name, rule_kind, severity, scope_type, provider, integration_id, user_id, status, summary, facts, flapping,
              opened_at, escalated_at, acknowledged_at, acknowledged_by, resolved_at, resolution, notifications, updated_at
         FROM health_check_alerts WHERE alert_id = $1`,
      [alertId],
    ))[0] as Record<string, any>;
  const history = ({ rows }: Then) => rows('SELECT event_id, type, occurred_at, detail FROM health_check_alert_events WHERE alert_id = $1 ORDER BY occurred_at', [alertId]);

  it('a raised alert is open, with its rule, scope, summary and facts', () =>
    spec.given(raise({ facts: { errorCode: 'timeout', failures: '3' }, flapping: true })).thenRows(async (t) => {
      expect(await alert(t)).to.deep.equal({
        rule_id: 'rule-1', rule_name: 'Red integrations', rule_kind: 'integration_red', severity: 'warning', scope_type: 'integration', provider: 'http',
        integration_id: integrationId, user_id: 'user-7', status: 'open', summary: 'Billing API: 3 checks failed in a row (timeout)',
        facts: { errorCode: 'timeout', failures: '3' }, flapping: true, opened_at: new Date(t0), escalated_at: null, acknowledged_at: null,
        acknowledged_by: null, resolved_at: null, resolution: null, notifications: {}, updated_at: new Date(t0),
      });
      expect(t.changed).to.deep.equal([[integrationId]]);
    }));

  it('a provider alert belongs to no integration: nothing for the integration WebSocket push', () =>
    spec
      .given(aRaise({ alertId, alert: anAlert({ scope: { type: 'provider', provider: 'gmail', integrationId: null, userId: null } }) }))
      .thenRows(async (t) => {
        expect(await alert(t)).to.include({ scope_type: 'provider', provider: 'gmail', integration_id: null, user_id: null });
        expect(t.changed).to.deep.equal([[]]);
      }));

  it('an escalation is dated once: a second one keeps the first time', () =>
    spec
      .given(raise())
      .given(anEscalation({ alertId, occurredAt: t0 + 15 * minute }))
      .given(anEscalation({ alertId, eventId: randomUUID(), occurredAt: t0 + 30 * minute }))
      .thenRows(async (t) => {
        const row = await alert(t);
        expect(row.escalated_at).to.deep.equal(new Date(t0 + 15 * minute));
        expect(row.status).to.equal('open');
      }));

  it('the first acknowledgement says who took the alert on; a later one changes nothing of that', () =>
    spec
      .given(raise(), anAcknowledgement({ alertId, by: 'ann@example.com', occurredAt: t0 + 5 * minute }))
      .given(anAcknowledgement({ alertId, by: 'user:user-7', occurredAt: t0 + 6 * minute }))
      .thenRows(async (t) => {
        const row = await alert(t);
        expect(row).to.include({ acknowledged_by: 'ann@example.com' });
        expect(row.acknowledged_at).to.deep.equal(new Date(t0 + 5 * minute));
        expect(t.changed).to.deep.equal([[integrationId], [integrationId]]);
      }));

  it('a resolved alert is closed with the reason and the summary of its recovery', () =>
    spec
      .given(raise())
      .given(aResolution({ alertId, reason: 'recovered', occurredAt: t0 + 30 * minute, alert: mine({ summary: 'Billing API answers again' }) }))
      .thenRows(async (t) => {
        const row = await alert(t);
        expect(row).to.include({ status: 'resolved', resolution: 'recovered', summary: 'Billing API answers again' });
        expect(row.resolved_at).to.deep.equal(new Date(t0 + 30 * minute));
        expect(row.opened_at).to.deep.equal(new Date(t0));
      }));

  it('a resolved alert stays resolved as it was first resolved', () =>
    spec
      .given(raise(), aResolution({ alertId, reason: 'recovered', occurredAt: t0 + 30 * minute }))
      .given(aResolution({ alertId, eventId: randomUUID(), reason: 'rule_deleted', occurredAt: t0 + 40 * minute }))
      .thenRows(async (t) => {
        const row = await alert(t);
        expect(row).to.include({ status: 'resolved', resolution: 'recovered' });
        expect(row.resolved_at).to.deep.equal(new Date(t0 + 30 * minute));
      }));

  it('a repeated event is recorded once and changes nothing the second time', () => {
    const raised = raise();
    return spec
      .given(raised, aResolution({ alertId, alert: mine() }))
      .given(raised)
      .thenRows(async (t) => {
        expect(await alert(t)).to.include({ status: 'resolved' });
        expect((await history(t)).map((e) => e.type)).to.deep.equal(['AlertRaised', 'AlertResolved']);
        expect(t.changed).to.deep.equal([[integrationId], []]);
      });
  });

  it('each delivery and failed delivery is kept per transition and channel, the latest outcome winning', () =>
    spec
      .given(raise())
      .given(
        aFailedDelivery({ alertId, channel: 'webhook:webhook-1', attempts: 1, reason: 'HTTP 503', occurredAt: t0 + minute }),
        aDelivery({ alertId, channel: 'email:1', occurredAt: t0 + minute }),
      )
      .given(aDelivery({ alertId, channel: 'webhook:webhook-1', attempts: 2, occurredAt: t0 + 2 * minute }))
      .thenRows(async (t) => {
        expect((await alert(t)).notifications).to.deep.equal({
          [`${alertId}:raised|webhook:webhook-1`]: { transitionId: `${alertId}:raised`, status: 'sent', at: t0 + 2 * minute, attempts: 2 },
          [`${alertId}:raised|email:1`]: { transitionId: `${alertId}:raised`, status: 'sent', at: t0 + minute, attempts: 1 },
        });
        // Deliveries change what admins see of the alert, not an integration's health.
        expect(t.changed.slice(1)).to.deep.equal([[], []]);
      }));

  it('every event of the alert is in its history with the event’s own fields', () =>
    spec
      .given(raise(), anAcknowledgement({ alertId, by: 'ann@example.com', note: 'on it' }), aResolution({ alertId }))
      .thenRows(async (t) => {
        const events = await history(t);
        expect(events.map((e) => e.type)).to.deep.equal(['AlertRaised', 'AlertAcknowledged', 'AlertResolved']);
        expect(events[1]?.detail).to.deep.equal({ by: 'ann@example.com', note: 'on it' });
        expect(events[0]?.detail).to.not.have.any.keys('eventId', 'alertId', 'occurredAt', 'type');
      }));

  it('an escalation or acknowledgement of an alert never raised creates no alert', () =>
    spec
      .given(anEscalation({ alertId }), anAcknowledgement({ alertId }))
      .thenRows(async (t) => expect(await alert(t)).to.equal(undefined)));

  it('U+0000 in a summary or a fact from another producer is stored as U+FFFD', () =>
    spec
      .given(raise({ facts: { 'error\u0000Code': 'time\u0000out' }, alert: mine({ summary: 'Billing\u0000API' }) }))
      .thenRows(async (t) => expect(await alert(t)).to.deep.include({ summary: 'Billing\ufffdAPI', facts: { 'error\ufffdCode': 'time\ufffdout' } })));
});
