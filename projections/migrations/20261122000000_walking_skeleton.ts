import type { Knex } from 'knex';

export async function up(k: Knex): Promise<void> {
  // Where each projection has got to in each partition: written in the same transaction as
  // the projection's rows, so a crash can neither lose nor repeat an event.
  await k.raw(`
    CREATE TABLE projection_checkpoints (
      projection  text        NOT NULL,
      topic       text        NOT NULL,
      partition   integer     NOT NULL,
      next_offset bigint      NOT NULL,
      updated_at  timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (projection, topic, partition)
    )`);

  await k.raw(`
    CREATE TABLE integrations (
      integration_id         text        PRIMARY KEY,
      user_id                text        NOT NULL,
      provider               text        NOT NULL,
      display_name           text        NOT NULL,
      config                 jsonb       NOT NULL,
      check_interval_seconds integer     NOT NULL,
      state                  text        NOT NULL CHECK (state IN ('active', 'disconnected')),
      connected_at           timestamptz NOT NULL,
      updated_at             timestamptz NOT NULL,
      disconnected_at        timestamptz
    )`);
  await k.raw('CREATE INDEX integrations_user_idx ON integrations (user_id, state)');

  await k.raw(`
    CREATE TABLE integration_health_checks (
      integration_id        text        PRIMARY KEY,
      provider              text        NOT NULL,
      status                text        NOT NULL CHECK (status IN ('green', 'yellow', 'red', 'unknown')),
      last_checked_at       timestamptz NOT NULL,
      last_success_at       timestamptz,
      last_failure_at       timestamptz,
      consecutive_failures  integer     NOT NULL,
      latency_ms            integer     NOT NULL,
      http_status           integer,
      error_code            text,
      error_detail          text,
      error_message         text,
      error_resolution      text,
      error_docs_url        text,
      next_check_at         timestamptz,
      check_count           bigint      NOT NULL,
      last_event_id         text        NOT NULL
    )`);
  await k.raw('CREATE INDEX integration_health_status_idx ON integration_health_checks (status, provider)');
}

export async function down(k: Knex): Promise<void> {
  await k.raw('DROP TABLE integration_health_checks');
  await k.raw('DROP TABLE integrations');
  await k.raw('DROP TABLE projection_checkpoints');
}
