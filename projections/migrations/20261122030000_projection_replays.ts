import type { Knex } from 'knex';

export async function up(k: Knex): Promise<void> {
  // Progress of projection rebuilds, for `pulse replay` and the admin API to watch.
  await k.raw(`
    CREATE TABLE projection_replays (
      replay_id   text        PRIMARY KEY,
      projection  text        NOT NULL,
      state       text        NOT NULL CHECK (state IN ('replaying', 'switching', 'done', 'failed')),
      processed   bigint      NOT NULL DEFAULT 0,
      total       bigint      NOT NULL,
      started_at  timestamptz NOT NULL DEFAULT now(),
      updated_at  timestamptz NOT NULL DEFAULT now(),
      finished_at timestamptz,
      error       text
    )`);
  // One running replay per projection at a time.
  await k.raw(`CREATE UNIQUE INDEX projection_replays_running_idx ON projection_replays (projection) WHERE state IN ('replaying', 'switching')`);
}

export async function down(k: Knex): Promise<void> {
  await k.raw('DROP TABLE projection_replays');
}
