// Projection `integrations`: what each integration is, from the lifecycle topic.
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { integrationsProjection } from '../../projections/integrations.js';
import { aConnect, aCredentialsRefresh, aDisconnect, anUpdate, aReauthCompleted, aReauthRequired } from '../support/lifecycleEvents.js';
import { projectionSpec, type Then } from '../support/projectionSpec.js';

const t0 = Date.parse('2026-11-01T10:00:00Z');
const minute = 60_000;

describe('projection: integrations', () => {
  const spec = projectionSpec(integrationsProjection);
  let integrationId: string;
  beforeEach(() => (integrationId = `int-${randomUUID()}`));

  const integration = async ({ rows }: Then) => {
    const found = await rows(
      `SELECT user_id, provider, display_name, config, check_interval_seconds, state, reauth_reason, connected_at, updated_at, disconnected_at
         FROM integrations WHERE integration_id = $1`,
      [integrationId],
    );
    return found[0] as Record<string, any>;
  };

  it('a connect lists the integration as active for its owner, with its settings and the event time', () =>
    spec
      .given(aConnect({ integrationId, userId: 'user-7', provider: 'slack', displayName: 'Team chat', checkIntervalSeconds: 120, config: { channel: 'ops' }, occurredAt: t0 }))
      .thenRows(async (t) => {
        expect(await integration(t)).to.deep.equal({
          user_id: 'user-7', provider: 'slack', display_name: 'Team chat', config: { channel: 'ops' }, check_interval_seconds: 120,
          state: 'active', reauth_reason: null, connected_at: new Date(t0), updated_at: new Date(t0), disconnected_at: null,
        });
        expect(t.changed).to.deep.equal([[integrationId]]);
      }));

  it('an update changes only what it names and keeps the rest', () =>
    spec
      .given(aConnect({ integrationId, displayName: 'Billing API', checkIntervalSeconds: 300, config: { url: 'https://a.example.com/' } }))
      .given(anUpdate({ integrationId, displayName: 'Billing (prod)', occurredAt: t0 + minute }))
      .thenRows(async (t) => {
        const row = await integration(t);
        expect(row).to.include({ display_name: 'Billing (prod)', check_interval_seconds: 300, state: 'active' });
        expect(row.config).to.deep.equal({ url: 'https://a.example.com/' });
        expect(row.connected_at).to.deep.equal(new Date(t0));
        expect(row.updated_at).to.deep.equal(new Date(t0 + minute));
      }));

  it('an update replaces the settings and the interval when it carries them', () =>
    spec
      .given(aConnect({ integrationId, config: { url: 'https://a.example.com/', expectedStatus: 200 } }))
      .given(anUpdate({ integrationId, checkIntervalSeconds: 60, config: { url: 'https://b.example.com/' } }))
      .thenRows(async (t) => {
        const row = await integration(t);
        expect(row.check_interval_seconds).to.equal(60);
        expect(row.config).to.deep.equal({ url: 'https://b.example.com/' });
      }));

  it('an update, a disconnect or a re-auth before the connect creates nothing', () =>
    spec
      .given(anUpdate({ integrationId, displayName: 'Ghost' }), aReauthRequired({ integrationId }), aDisconnect({ integrationId }))
      .thenRows(async (t) => {
        expect(await integration(t)).to.equal(undefined);
        expect(t.changed).to.deep.equal([[]]);
      }));

  it('a disconnect keeps the row, marked disconnected at the event time', () =>
    spec
      .given(aConnect({ integrationId, occurredAt: t0 }))
      .given(aDisconnect({ integrationId, occurredAt: t0 + 5 * minute, reason: 'user' }))
      .thenRows(async (t) => {
        const row = await integration(t);
        expect(row).to.include({ state: 'disconnected' });
        expect(row.disconnected_at).to.deep.equal(new Date(t0 + 5 * minute));
        expect(row.connected_at).to.deep.equal(new Date(t0));
        expect(t.changed).to.deep.equal([[integrationId], [integrationId]]);
      }));

  it('a connect after a disconnect makes the integration active again', () =>
    spec
      .given(aConnect({ integrationId, occurredAt: t0 }), aDisconnect({ integrationId, occurredAt: t0 + minute }))
      .given(aConnect({ integrationId, displayName: 'Back again', occurredAt: t0 + 2 * minute }))
      .thenRows(async (t) => {
        const row = await integration(t);
        expect(row).to.include({ state: 'active', display_name: 'Back again', disconnected_at: null });
        expect(row.connected_at).to.deep.equal(new Date(t0 + 2 * minute));
      }));

  it('a re-auth required shows why the owner must reconnect', () =>
    spec
      .given(aConnect({ integrationId, provider: 'gmail' }), aReauthRequired({ integrationId, reason: 'scope_missing', occurredAt: t0 + minute }))
      .thenRows(async (t) => expect(await integration(t)).to.include({ reauth_reason: 'scope_missing' })));

  it('a completed re-auth clears the reason', () =>
    spec
      .given(aConnect({ integrationId, provider: 'gmail' }))
      .given(aReauthRequired({ integrationId, occurredAt: t0 + minute }))
      .given(aReauthCompleted({ integrationId, occurredAt: t0 + 2 * minute }))
      .thenRows(async (t) => {
        const row = await integration(t);
        expect(row.reauth_reason).to.equal(null);
        expect(row.updated_at).to.deep.equal(new Date(t0 + 2 * minute));
      }));

  it('refreshed credentials change nothing a user sees', () =>
    spec
      .given(aConnect({ integrationId, provider: 'gmail', occurredAt: t0 }))
      .given(aCredentialsRefresh({ integrationId, occurredAt: t0 + minute }))
      .thenRows(async (t) => expect((await integration(t)).updated_at).to.deep.equal(new Date(t0))));

  it('one batch and the same events in separate batches give the same row', () => {
    const story = [
      aConnect({ integrationId, occurredAt: t0 }), anUpdate({ integrationId, displayName: 'Renamed', occurredAt: t0 + minute }),
      aReauthRequired({ integrationId, occurredAt: t0 + 2 * minute }),
    ];
    let together: unknown;
    return spec
      .given(...story)
      .thenRows(async (t) => void (together = await integration(t)))
      .then(() => story.reduce((s, e) => s.given(e), spec).thenRows(async (t) => expect(await integration(t)).to.deep.equal(together)));
  });

  it('U+0000 in a name, a setting or a setting key from another producer is stored as U+FFFD', () =>
    spec
      .given(aConnect({ integrationId, displayName: 'Bil\u0000ling', config: { 'u\u0000rl': 'https://a.example.com/\u0000' } }))
      .thenRows(async (t) => {
        const row = await integration(t);
        expect(row.display_name).to.equal('Bil\ufffdling');
        expect(row.config).to.deep.equal({ 'u\ufffdrl': 'https://a.example.com/\ufffd' });
      }));

  it('a connect time outside years 1–9999 is stored at the nearest instant inside, so the list still reads', () =>
    spec
      .given(aConnect({ integrationId, occurredAt: 8.64e15 }))
      .thenRows(async (t) => expect((await integration(t)).connected_at.toISOString()).to.equal('9999-12-31T23:59:59.999Z')));
});
