import type { Knex } from 'knex';

export async function up(k: Knex): Promise<void> {
  // Admin portal accounts (separate from users, who authenticate with bearer JWTs).
  // password_hash is `scrypt$N=…,r=…,p=…$<salt b64>$<hash b64>`; sessions created before
  // sessions_valid_after are dead (logout and password change move it forward).
  await k.raw(`
    CREATE TABLE admin_accounts (
      id                   uuid        PRIMARY KEY,
      email                text        NOT NULL UNIQUE CHECK (email = lower(email)),
      password_hash        text        NOT NULL,
      created_at           timestamptz NOT NULL DEFAULT now(),
      password_changed_at  timestamptz NOT NULL DEFAULT now(),
      sessions_valid_after timestamptz NOT NULL DEFAULT '-infinity'
    )`);
  // Only the sha256 of the cookie value is stored: a leaked table opens no session.
  await k.raw(`
    CREATE TABLE admin_sessions (
      id           text        PRIMARY KEY,
      admin_id     uuid        NOT NULL REFERENCES admin_accounts (id) ON DELETE CASCADE,
      created_at   timestamptz NOT NULL DEFAULT now(),
      last_seen_at timestamptz NOT NULL DEFAULT now(),
      expires_at   timestamptz NOT NULL
    )`);
  await k.raw('CREATE INDEX admin_sessions_admin_id ON admin_sessions (admin_id)');
  await k.raw('CREATE INDEX admin_sessions_expires_at ON admin_sessions (expires_at)');
  // Projection `admin_audit` of audit.events (AdminActionPerformed).
  await k.raw(`
    CREATE TABLE admin_audit_log (
      event_id    text        PRIMARY KEY,
      actor       text        NOT NULL,
      action      text        NOT NULL,
      target      text,
      outcome     text        NOT NULL,
      source_ip   text        NOT NULL,
      user_agent  text,
      occurred_at timestamptz NOT NULL
    )`);
  await k.raw('CREATE INDEX admin_audit_log_newest ON admin_audit_log (occurred_at DESC, event_id DESC)');
  await k.raw('CREATE INDEX admin_audit_log_actor ON admin_audit_log (actor, occurred_at DESC, event_id DESC)');
  await k.raw('CREATE INDEX admin_audit_log_action ON admin_audit_log (action, occurred_at DESC, event_id DESC)');
}

export async function down(k: Knex): Promise<void> {
  await k.raw('DROP TABLE admin_audit_log');
  await k.raw('DROP TABLE admin_sessions');
  await k.raw('DROP TABLE admin_accounts');
}
