import type { Knex } from 'knex';

export async function up(k: Knex): Promise<void> {
  // OAuth tokens, encrypted (AES-256-GCM, platform/secretBox.ts). Not a projection: the only
  // table that holds secrets, written by the OAuth callback and by token refreshes.
  await k.raw(`
    CREATE TABLE integration_credentials (
      integration_id text        PRIMARY KEY,
      provider       text        NOT NULL,
      key_id         text        NOT NULL,
      iv             bytea       NOT NULL,
      auth_tag       bytea       NOT NULL,
      ciphertext     bytea       NOT NULL,
      scopes         text[]      NOT NULL DEFAULT '{}',
      expires_at     timestamptz,
      account_hint   text,
      refreshed_at   timestamptz NOT NULL DEFAULT now(),
      updated_at     timestamptz NOT NULL DEFAULT now()
    )`);
  await k.raw('CREATE INDEX integration_credentials_key_idx ON integration_credentials (key_id)');
  // The integrations projection learns from ReauthRequired / ReauthCompleted.
  await k.raw('ALTER TABLE integrations ADD COLUMN reauth_reason text');
  // New HealthChecked facts, kept in history so time travel sees what the projection saw.
  await k.raw('ALTER TABLE integration_health_history ADD COLUMN token_expires_at timestamptz, ADD COLUMN token_refreshable boolean NOT NULL DEFAULT true');
}

export async function down(k: Knex): Promise<void> {
  await k.raw('ALTER TABLE integration_health_history DROP COLUMN token_expires_at, DROP COLUMN token_refreshable');
  await k.raw('ALTER TABLE integrations DROP COLUMN reauth_reason');
  await k.raw('DROP TABLE integration_credentials');
}
