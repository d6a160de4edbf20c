import type { Knex } from 'knex';

// Integrations per user (MAX_INTEGRATIONS_PER_USER): one row per integration a user holds, owned
// by the API (api/integrationQuota.ts), not by a projection. The `integrations` projection is
// built asynchronously from Kafka, so counting it would let parallel connects all pass; a slot is
// claimed in a transaction under a per-user advisory lock BEFORE IntegrationConnected is produced,
// and given back on disconnect. Not a projection: a replay never swaps or rebuilds it.
export async function up(k: Knex): Promise<void> {
  await k.raw(`
    CREATE TABLE integration_slots (
      integration_id text        PRIMARY KEY,
      user_id        text        NOT NULL,
      claimed_at     timestamptz NOT NULL DEFAULT now()
    )`);
  await k.raw('CREATE INDEX integration_slots_user_idx ON integration_slots (user_id)');
  // What users hold today, as far as the projection has got.
  await k.raw(`
    INSERT INTO integration_slots (integration_id, user_id, claimed_at)
    SELECT integration_id, user_id, connected_at FROM integrations WHERE state = 'active'`);
}

export async function down(k: Knex): Promise<void> {
  await k.raw('DROP TABLE integration_slots');
}
