import type { Knex } from 'knex';

export async function up(k: Knex): Promise<void> {
  // One row per HealthChecked (the facts, so status can be re-derived for any past instant),
  // partitioned by month of event time; partitions are created as events need them and
  // dropped whole by the retention job. The primary key dedupes repeated deliveries.
  await k.raw(`
    CREATE TABLE integration_health_history (
      event_id            text        NOT NULL,
      integration_id      text        NOT NULL,
      user_id             text        NOT NULL,
      provider            text        NOT NULL,
      trigger             text        NOT NULL,
      attempt             integer     NOT NULL,
      started_at          timestamptz NOT NULL,
      completed_at        timestamptz NOT NULL,
      duration_ms         integer     NOT NULL,
      outcome             text        NOT NULL,
      http_status         integer,
      error_code          text,
      error_message       text,
      retry_after_seconds integer,
      quota_used          bigint,
      quota_limit         bigint,
      steps               jsonb       NOT NULL,
      next_check_at       timestamptz,
      PRIMARY KEY (event_id, completed_at)
    ) PARTITION BY RANGE (completed_at)`);
  await k.raw('CREATE INDEX integration_health_history_integration_idx ON integration_health_history (integration_id, completed_at DESC)');
  await k.raw('CREATE INDEX integration_health_history_provider_idx ON integration_health_history (provider, completed_at DESC)');

  // Adds two {"key": count} objects key by key: merges latency sketches and error counts.
  await k.raw(`
    CREATE FUNCTION pulse_add_counts(a jsonb, b jsonb) RETURNS jsonb
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
      SELECT coalesce(jsonb_object_agg(key, total), '{}'::jsonb)
        FROM (SELECT key, sum(value::bigint) AS total
                FROM (SELECT * FROM jsonb_each_text(a) UNION ALL SELECT * FROM jsonb_each_text(b)) kv
               GROUP BY key) sums
    $$`);

  // Hourly and monthly counts per integration and per provider. Never derived from the
  // history table (which is kept 30 days only): each check adds to its buckets as it is projected.
  const measures = `
        checks         bigint      NOT NULL,
        ok             bigint      NOT NULL,
        degraded       bigint      NOT NULL,
        failed         bigint      NOT NULL,
        latency_sum_ms bigint      NOT NULL,
        latency_max_ms integer     NOT NULL,
        latency_sketch jsonb       NOT NULL,
        errors_by_code jsonb       NOT NULL`;
  await k.raw(`
    CREATE TABLE health_rollups_integration (
      integration_id text        NOT NULL,
      granularity    text        NOT NULL CHECK (granularity IN ('hour', 'month')),
      bucket_start   timestamptz NOT NULL,
      provider       text        NOT NULL,${measures},
      PRIMARY KEY (integration_id, granularity, bucket_start)
    )`);
  await k.raw(`
    CREATE TABLE health_rollups_provider (
      provider       text        NOT NULL,
      granularity    text        NOT NULL CHECK (granularity IN ('hour', 'month')),
      bucket_start   timestamptz NOT NULL,${measures},
      PRIMARY KEY (provider, granularity, bucket_start)
    )`);
  await k.raw('CREATE INDEX health_rollups_integration_time_idx ON health_rollups_integration (granularity, bucket_start)');
}

export async function down(k: Knex): Promise<void> {
  await k.raw('DROP TABLE health_rollups_provider, health_rollups_integration, integration_health_history');
  await k.raw('DROP FUNCTION pulse_add_counts(jsonb, jsonb)');
}
