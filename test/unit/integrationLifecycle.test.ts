import { expect } from 'chai';
import type { LifecycleEvent } from '../../health/events.js';
import { evolveIntegration, type Integration } from '../../health/integrationLifecycle.js';

const t0 = Date.parse('2026-11-01T10:00:00Z');
const meta = (occurredAt: number) => ({ eventId: `e-${occurredAt}`, integrationId: 'i1', userId: 'u1', occurredAt });

const connected = (at: number, over: Partial<Extract<LifecycleEvent, { type: 'IntegrationConnected' }>> = {}): LifecycleEvent =>
  ({ ...meta(at), type: 'IntegrationConnected', provider: 'http', displayName: 'Status page', checkIntervalSeconds: 300, config: { url: 'https://status.example.com' }, ...over });
const updated = (at: number, change: { displayName?: string | null; checkIntervalSeconds?: number | null; config?: Record<string, unknown> | null }): LifecycleEvent =>
  ({ ...meta(at), type: 'IntegrationUpdated', displayName: null, checkIntervalSeconds: null, config: null, ...change });
const disconnected = (at: number): LifecycleEvent => ({ ...meta(at), type: 'IntegrationDisconnected', reason: 'user' });
const reauthRequired = (at: number): LifecycleEvent => ({ ...meta(at), type: 'ReauthRequired', reason: 'token_revoked', detail: null });
const reauthCompleted = (at: number): LifecycleEvent => ({ ...meta(at), type: 'ReauthCompleted', scopes: [] });
const refreshed = (at: number): LifecycleEvent => ({ ...meta(at), type: 'CredentialsRefreshed', expiresAt: at + 3_600_000, scopes: [], trigger: 'ahead_of_expiry' });

const fold = (events: LifecycleEvent[]) => events.reduce<Integration | undefined>((s, e) => evolveIntegration(s, e), undefined);

describe('integration lifecycle fold', () => {
  it('knows an integration from its connect: active, nothing asked of the user', () => {
    expect(fold([connected(t0)])).to.deep.equal({
      integrationId: 'i1', userId: 'u1', provider: 'http', displayName: 'Status page', config: { url: 'https://status.example.com' },
      checkIntervalSeconds: 300, state: 'active', connectedAt: t0, updatedAt: t0, disconnectedAt: null, reauthReason: null, reauthSince: null,
    });
  });

  it('changes on update only what the user changed', () => {
    const s = fold([connected(t0), updated(t0 + 1, { checkIntervalSeconds: 60 }), updated(t0 + 2, { displayName: 'Renamed' })]);
    expect(s).to.include({ displayName: 'Renamed', checkIntervalSeconds: 60, updatedAt: t0 + 2, connectedAt: t0 });
    expect(s?.config).to.deep.equal({ url: 'https://status.example.com' });
  });

  it('knows nothing of an update, disconnect or reauth before the connect', () => {
    for (const e of [updated(t0, { displayName: 'x' }), disconnected(t0), reauthRequired(t0), reauthCompleted(t0), refreshed(t0)]) {
      expect(evolveIntegration(undefined, e), e.type).to.equal(undefined);
    }
  });

  it('keeps a disconnected integration disconnected through a late update; a new connect starts afresh', () => {
    const gone = fold([connected(t0), reauthRequired(t0 + 1), disconnected(t0 + 2), updated(t0 + 3, { checkIntervalSeconds: 60 })]);
    expect(gone).to.include({ state: 'disconnected', disconnectedAt: t0 + 2 });
    const back = evolveIntegration(gone, connected(t0 + 4, { displayName: 'Again' }));
    expect(back).to.include({ state: 'active', displayName: 'Again', connectedAt: t0 + 4, disconnectedAt: null, reauthReason: null, reauthSince: null });
  });

  it('asks the user to reconnect until they do, and remembers since when', () => {
    const asked = fold([connected(t0), reauthRequired(t0 + 5)]);
    expect(asked).to.include({ reauthReason: 'token_revoked', reauthSince: t0 + 5, state: 'active' });
    expect(evolveIntegration(asked, reauthCompleted(t0 + 9))).to.include({ reauthReason: null, reauthSince: null, updatedAt: t0 + 9 });
  });

  it('is not changed by a credentials refresh', () => {
    const s = fold([connected(t0)]);
    expect(evolveIntegration(s, refreshed(t0 + 1))).to.equal(s);
  });

  it('gives a caller that keeps some fields exactly those, by the same rules', () => {
    const events = [connected(t0), updated(t0 + 1, { config: { url: 'https://other.example.com' } }), reauthRequired(t0 + 2), disconnected(t0 + 3)];
    const keep = ['integrationId', 'config', 'state', 'reauthSince'] as const;
    const narrow = events.reduce<Pick<Integration, (typeof keep)[number]> | undefined>((s, e) => evolveIntegration(s, e, keep), undefined);
    const full = fold(events)!;
    expect(narrow).to.deep.equal({ integrationId: full.integrationId, config: full.config, state: full.state, reauthSince: full.reauthSince });
  });
});
