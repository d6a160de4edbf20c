import type { Knex } from 'knex';

export async function up(k: Knex): Promise<void> {
  // The right to manage other admins, and whether an account may sign in (null = enabled).
  // Every existing account keeps what it could do before (manage admins), so nobody is locked out.
  // "Last login" is not stored here: the audit log already has every admin.login.
  await k.raw(`
    ALTER TABLE admin_accounts
      ADD COLUMN can_manage_admins boolean NOT NULL DEFAULT false,
      ADD COLUMN disabled_at       timestamptz`);
  await k.raw('UPDATE admin_accounts SET can_manage_admins = true');
}

export async function down(k: Knex): Promise<void> {
  await k.raw('ALTER TABLE admin_accounts DROP COLUMN disabled_at, DROP COLUMN can_manage_admins');
}
