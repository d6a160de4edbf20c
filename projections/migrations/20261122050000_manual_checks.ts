import type { Knex } from 'knex';

export async function up(k: Knex): Promise<void> {
  // Which manual check request a check answered (HealthChecked.requestId).
  await k.raw('ALTER TABLE integration_health_history ADD COLUMN request_id text');
  // Manual-check rate limits, shared by every API instance (rate-limiter-flexible's layout).
  await k.raw(`
    CREATE TABLE rate_limits (
      key    varchar(255) PRIMARY KEY,
      points integer      NOT NULL DEFAULT 0,
      expire bigint
    )`);
}

export async function down(k: Knex): Promise<void> {
  await k.raw('DROP TABLE rate_limits');
  await k.raw('ALTER TABLE integration_health_history DROP COLUMN request_id');
}
