import type { Knex } from 'knex';

export async function up(k: Knex): Promise<void> {
  // How far each dead-letter partition has been re-driven: the first DLQ offset not yet sent
  // back to its source topic, so a second re-drive never repeats a record.
  await k.raw(`
    CREATE TABLE dead_letter_redrives (
      dlq_topic   text        NOT NULL,
      partition   integer     NOT NULL,
      next_offset bigint      NOT NULL,
      updated_at  timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (dlq_topic, partition)
    )`);
}

export async function down(k: Knex): Promise<void> {
  await k.raw('DROP TABLE dead_letter_redrives');
}
