// Projection `notification_queue`: what the notifier owes, one row per alert transition and
// channel (the integration's owner counting as a channel of its own).
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { notificationQueueProjection } from '../../projections/notificationQueue.js';
import { aDelivery, anAcknowledgement, anAlert, anEscalation, aRaise, aResolution } from '../support/alertEvents.js';
import { projectionSpec, type Then } from '../support/projectionSpec.js';

describe('projection: notification_queue', () => {
  const spec = projectionSpec(notificationQueueProjection);
  let alertId: string;
  beforeEach(() => (alertId = randomUUID()));

  const queued = ({ rows }: Then) =>
    rows<{ transition_id: string; channel_key: string; channel: unknown; status: string; attempts: number; transition: Record<string, any> }>(
      'SELECT transition_id, channel_key, channel, status, attempts, transition FROM notification_queue WHERE alert_id = $1 ORDER BY transition_id, channel_key',
      [alertId],
    );
  const keys = async (t: Then) => (await queued(t)).map((r) => `${r.transition_id.split(':')[1]} → ${r.channel_key}`);

  const toOpsAndHook = [
    { type: 'email' as const, to: ['Ops@Example.com', 'ann@example.com'], webhookId: null },
    { type: 'webhook' as const, to: [], webhookId: 'webhook-1' },
  ];

  it('a raised alert is owed to each of its channels and to the integration’s owner, pending', () =>
    spec.given(aRaise({ alertId, alert: anAlert({ channels: toOpsAndHook, notifyOwner: true }) })).thenRows(async (t) => {
      expect(await keys(t)).to.deep.equal(['raised → email:ann@example.com,ops@example.com', 'raised → owner:user-1', 'raised → webhook:webhook-1']);
      const rows = await queued(t);
      expect(rows.map((r) => [r.status, r.attempts])).to.deep.equal([['pending', 0], ['pending', 0], ['pending', 0]]);
      expect(rows.map((r) => r.channel)).to.deep.equal([
        { type: 'email', to: ['Ops@Example.com', 'ann@example.com'] }, { type: 'owner', userId: 'user-1' }, { type: 'webhook', webhookId: 'webhook-1' },
      ]);
    }));

  it('the queued transition carries what the message says: summary, scope, facts', () =>
    spec.given(aRaise({ alertId, facts: { errorCode: 'timeout' } })).thenRows(async (t) => {
      const [row] = await queued(t);
      expect(row?.transition).to.deep.include({
        type: 'AlertRaised', alertId, transitionId: `${alertId}:raised`, summary: 'Billing API: 3 checks failed in a row (timeout)', facts: { errorCode: 'timeout' },
        scope: { type: 'integration', provider: 'http', integrationId: 'int-1', userId: 'user-1' },
      });
    }));

  it('an escalation goes to the escalation channels only, never to the owner', () =>
    spec
      .given(anEscalation({ alertId, alert: anAlert({ channels: toOpsAndHook.slice(1), notifyOwner: true }) }))
      .thenRows(async (t) => expect(await keys(t)).to.deep.equal(['escalated → webhook:webhook-1'])));

  it('a resolution is owed to the channels and to the owner, like the raise', () =>
    spec
      .given(aResolution({ alertId, alert: anAlert({ notifyOwner: true }) }))
      .thenRows(async (t) => expect(await keys(t)).to.deep.equal(['resolved → email:ops@example.com', 'resolved → owner:user-1'])));

  it('an owner hears nothing when the rule does not notify owners, or when the alert is about a provider', () =>
    spec
      .given(
        aRaise({ alertId, alert: anAlert({ notifyOwner: false }) }),
        aResolution({ alertId, alert: anAlert({ notifyOwner: true, scope: { type: 'provider', provider: 'gmail', integrationId: null, userId: null } }) }),
      )
      .thenRows(async (t) => expect(await keys(t)).to.deep.equal(['raised → email:ops@example.com', 'resolved → email:ops@example.com'])));

  it('an e-mail channel with no recipients or a webhook channel with no webhook queues nothing', () =>
    spec
      .given(aRaise({ alertId, alert: anAlert({ notifyOwner: false, channels: [{ type: 'email', to: [], webhookId: null }, { type: 'webhook', to: [], webhookId: null }] }) }))
      .thenRows(async (t) => expect(await queued(t)).to.deep.equal([])));

  it('a transition delivered twice is queued once', () => {
    const raised = aRaise({ alertId });
    return spec
      .given(raised, raised)
      .given(raised)
      .thenRows(async (t) => expect(await keys(t)).to.deep.equal(['raised → email:ops@example.com', 'raised → owner:user-1']));
  });

  it('acknowledgements and deliveries are not transitions: nothing is owed for them', () => {
    expect(notificationQueueProjection.handles(anAcknowledgement({ alertId }))).to.equal(false);
    expect(notificationQueueProjection.handles(aDelivery({ alertId }))).to.equal(false);
  });

  it('U+0000 in a summary or a recipient from another producer is stored as U+FFFD', () =>
    spec
      .given(aRaise({ alertId, alert: anAlert({ summary: 'Billing\u0000API', notifyOwner: false, channels: [{ type: 'email', to: ['ops\u0000@example.com'], webhookId: null }] }) }))
      .thenRows(async (t) => {
        const [row] = await queued(t);
        expect(row?.channel_key).to.equal('email:ops\ufffd@example.com');
        expect(row?.transition.summary).to.equal('Billing\ufffdAPI');
      }));
});
