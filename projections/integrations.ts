// `integrations`: what each integration is (owner, provider, name, settings, interval),
// from the lifecycle topic.
import type { Tx } from '../platform/db.js';
import type { LifecycleEvent, PulseEvent } from '../health/events.js';
import type { Projection } from './projection.js';
import { storable, storableInstant } from './storable.js';
import { evolveIntegration, type Integration } from '../health/integrationLifecycle.js';

/** A row of the table: the folded integration but for when reauth was asked, which no reader needs. */
export type IntegrationRow = Omit<Integration, 'reauthSince'>;
const rowFields = ['integrationId', 'userId', 'provider', 'displayName', 'config', 'checkIntervalSeconds', 'state', 'connectedAt', 'updatedAt', 'disconnectedAt', 'reauthReason'] as const satisfies readonly (keyof IntegrationRow)[];

const lifecycleTypes = new Set(['IntegrationConnected', 'IntegrationUpdated', 'IntegrationDisconnected', 'ReauthRequired', 'ReauthCompleted', 'CredentialsRefreshed']);

export const integrationsProjection: Projection<LifecycleEvent> = {
  name: 'integrations',
  tables: ['integrations'],
  topic: (t) => t.lifecycle,
  handles: (e: PulseEvent): e is LifecycleEvent => lifecycleTypes.has(e.type),

  async apply(tx: Tx, events: LifecycleEvent[]) {
    // What the event says, storable: U+0000 → U+FFFD, and a time Postgres can hold.
    events = storable(events).map((e) => ({ ...e, occurredAt: storableInstant(e.occurredAt) }));
    const ids = [...new Set(events.map((e) => e.integrationId))];
    const { rows } = await tx.query(
      `SELECT integration_id, user_id, provider, display_name, config, check_interval_seconds, state, reauth_reason,
              (extract(epoch from connected_at) * 1000)::bigint AS connected_at,
              (extract(epoch from updated_at) * 1000)::bigint AS updated_at,
              (extract(epoch from disconnected_at) * 1000)::bigint AS disconnected_at
         FROM integrations WHERE integration_id = ANY($1) FOR UPDATE`,
      [ids],
    );
    const current = new Map<string, IntegrationRow | undefined>(rows.map((r) => [r.integration_id, {
      integrationId: r.integration_id, userId: r.user_id, provider: r.provider, displayName: r.display_name,
      config: r.config, checkIntervalSeconds: r.check_interval_seconds, state: r.state,
      connectedAt: r.connected_at, updatedAt: r.updated_at, disconnectedAt: r.disconnected_at, reauthReason: r.reauth_reason,
    }]));
    for (const e of events) current.set(e.integrationId, evolveIntegration(current.get(e.integrationId), e, rowFields));

    const next = [...current.values()].filter((r): r is IntegrationRow => r !== undefined);
    if (!next.length) return [];
    await tx.query(
      `INSERT INTO integrations AS i (integration_id, user_id, provider, display_name, config, check_interval_seconds,
                                      state, connected_at, updated_at, disconnected_at, reauth_reason)
       SELECT id, uid, prov, name, cfg::jsonb, ivl, st, to_timestamp(ca / 1000.0), to_timestamp(ua / 1000.0), to_timestamp(da / 1000.0), rr
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::int[], $7::text[], $8::bigint[], $9::bigint[], $10::bigint[], $11::text[])
              AS t(id, uid, prov, name, cfg, ivl, st, ca, ua, da, rr)
       ON CONFLICT (integration_id) DO UPDATE SET
         user_id = excluded.user_id, provider = excluded.provider, display_name = excluded.display_name,
         config = excluded.config, check_interval_seconds = excluded.check_interval_seconds, state = excluded.state,
         connected_at = excluded.connected_at, updated_at = excluded.updated_at, disconnected_at = excluded.disconnected_at,
         reauth_reason = excluded.reauth_reason`,
      [
        next.map((r) => r.integrationId), next.map((r) => r.userId), next.map((r) => r.provider),
        next.map((r) => r.displayName), next.map((r) => JSON.stringify(r.config)), next.map((r) => r.checkIntervalSeconds),
        next.map((r) => r.state), next.map((r) => r.connectedAt), next.map((r) => r.updatedAt), next.map((r) => r.disconnectedAt),
        next.map((r) => r.reauthReason),
      ],
    );
    return next.map((r) => r.integrationId);
  },
};
