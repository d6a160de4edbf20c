// Admin portal accounts: email + scrypt password hash (node:crypto), in `admin_accounts`, plus
// the right to manage other admins and whether the account may sign in. Used by the CLI
// (`pulse admin …`), the login route and /api/admin/accounts. Admin accounts are a world apart
// from users: users never log in here, admins hold no user token.
//
// There is always at least one enabled account that can manage admins: disabling, deleting or
// revoking the last one is refused (checked under a row lock, so two admins removing each
// other at the same moment cannot both succeed).
import { randomBytes, randomUUID, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { inTransaction, type Db, type Tx } from '../platform/db.js';
import { endAdminSessionsInTx } from './adminSessions.js';

export const minPasswordLength = 12;
/** Longer inputs are refused before hashing (bounds the work an anonymous caller can cause). */
export const maxPasswordLength = 1024;

const params = { N: 2 ** 15, r: 8, p: 1 };
const keyLength = 32;

function scrypt(password: string, salt: Buffer, o: { N: number; r: number; p: number }): Promise<Buffer> {
  // maxmem: 128 * N * r is exactly 32 MiB at N=2^15, r=8, which is Node's default ceiling.
  const options: ScryptOptions = { N: o.N, r: o.r, p: o.p, maxmem: 256 * o.N * o.r };
  return new Promise((resolve, reject) => scryptCb(password.normalize('NFC'), salt, keyLength, options, (err, key) => (err ? reject(err) : resolve(key))));
}

/** `scrypt$N=32768,r=8,p=1$<salt base64>$<hash base64>`, with a random 16-byte salt. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scrypt(password, salt, params);
  return `scrypt$N=${params.N},r=${params.r},p=${params.p}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const m = /^scrypt\$N=(\d+),r=(\d+),p=(\d+)\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$/.exec(stored);
  if (!m) return false;
  const expected = Buffer.from(m[5] as string, 'base64');
  const actual = await scrypt(password, Buffer.from(m[4] as string, 'base64'), { N: Number(m[1]), r: Number(m[2]), p: Number(m[3]) });
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** A hash of a password no one knows: unknown emails are checked against it, so they cost the same time. */
let decoy: Promise<string> | undefined;
const decoyHash = () => (decoy ??= hashPassword(randomBytes(32).toString('base64')));

export class AdminAccountError extends Error {
  /** not_found, exists, last_manager, or invalid (then `field` names the bad input). */
  constructor(message: string, readonly code: 'invalid' | 'not_found' | 'exists' | 'last_manager' = 'invalid', readonly field?: 'email' | 'password') {
    super(message);
  }
}

export const normalizeEmail = (email: string) => email.trim().toLowerCase();

function checkNewPassword(password: string): void {
  if (password.length < minPasswordLength) throw new AdminAccountError(`the password must be at least ${minPasswordLength} characters`, 'invalid', 'password');
  if (password.length > maxPasswordLength) throw new AdminAccountError(`the password must be at most ${maxPasswordLength} characters`, 'invalid', 'password');
}

function checkEmail(email: string): string {
  const e = normalizeEmail(email);
  if (!/^[^\s@]+@[^\s@]+$/.test(e) || e.length > 254 || /[\u0000-\u001f\u007f]/.test(e)) throw new AdminAccountError('not an email address', 'invalid', 'email');
  return e;
}

export interface AdminAccount {
  id: string;
  email: string;
}

/**
 * Creates an account. It may manage admins when asked, and always when it is the first
 * account (someone must be able to manage the others).
 */
export async function createAdminAccount(db: Db, email: string, password: string, opts: { canManageAdmins?: boolean } = {}): Promise<AdminAccount & { canManageAdmins: boolean }> {
  const e = checkEmail(email);
  checkNewPassword(password);
  const id = randomUUID();
  const { rows } = await db.query(
    `INSERT INTO admin_accounts (id, email, password_hash, can_manage_admins)
     SELECT $1, $2, $3, $4 OR NOT EXISTS (SELECT 1 FROM admin_accounts)
     ON CONFLICT (email) DO NOTHING
     RETURNING can_manage_admins`,
    [id, e, await hashPassword(password), Boolean(opts.canManageAdmins)],
  );
  if (!rows[0]) throw new AdminAccountError(`an admin account for ${e} already exists`, 'exists', 'email');
  return { id, email: e, canManageAdmins: rows[0].can_manage_admins as boolean };
}

export interface AdminAccountView extends AdminAccount {
  createdAt: Date;
  /** The last successful sign-in the audit log knows of (null: none since the account was created). */
  lastLoginAt: Date | null;
  disabledAt: Date | null;
  canManageAdmins: boolean;
}

/** An account named by id (portal) or email (CLI). */
export type AccountRef = { id: string } | { email: string };

const accountColumns = `a.id, a.email, a.created_at, a.disabled_at, a.can_manage_admins,
  (SELECT max(l.occurred_at) FROM admin_audit_log l
    WHERE l.actor = a.email AND l.action = 'admin.login' AND l.outcome = 'success' AND l.occurred_at >= a.created_at) AS last_login_at`;

const view = (r: Record<string, any>): AdminAccountView => ({
  id: r.id, email: r.email, createdAt: r.created_at, lastLoginAt: r.last_login_at ?? null, disabledAt: r.disabled_at ?? null, canManageAdmins: r.can_manage_admins,
});

const refParams = (ref: AccountRef): [string | null, string | null] => ('id' in ref ? [ref.id, null] : [null, normalizeEmail(ref.email)]);

export async function listAdminAccounts(db: Db): Promise<AdminAccountView[]> {
  const { rows } = await db.query(`SELECT ${accountColumns} FROM admin_accounts a ORDER BY a.email`);
  return rows.map(view);
}

export async function findAdminAccount(db: Db, ref: AccountRef): Promise<AdminAccountView | null> {
  const { rows } = await db.query(`SELECT ${accountColumns} FROM admin_accounts a WHERE a.id = $1::uuid OR a.email = $2`, refParams(ref));
  return rows[0] ? view(rows[0]) : null;
}

/** Whether this account is enabled and may manage admins (asked on every /api/admin/accounts request). */
export async function canManageAdmins(db: Db, adminId: string): Promise<boolean> {
  const { rows } = await db.query('SELECT 1 FROM admin_accounts WHERE id = $1 AND can_manage_admins AND disabled_at IS NULL', [adminId]);
  return rows.length > 0;
}

/**
 * Runs `change` on the account inside a transaction after locking every enabled account that
 * can manage admins; `change` returns whether the account would still be one of them. Refuses
 * (last_manager) when none would be left.
 */
async function changeAccount(db: Db, ref: AccountRef, change: (tx: Tx, account: { id: string; email: string }) => Promise<boolean>): Promise<AdminAccount> {
  return inTransaction(db, async (tx) => {
    const managers = (await tx.query('SELECT id FROM admin_accounts WHERE can_manage_admins AND disabled_at IS NULL ORDER BY id FOR UPDATE')).rows.map((r) => r.id as string);
    const { rows } = await tx.query('SELECT id, email FROM admin_accounts WHERE id = $1::uuid OR email = $2 FOR UPDATE', refParams(ref));
    const account = rows[0] as { id: string; email: string } | undefined;
    if (!account) throw new AdminAccountError(`no admin account for ${'id' in ref ? ref.id : normalizeEmail(ref.email)}`, 'not_found');
    const stillManager = await change(tx, account);
    if (!stillManager && managers.length === 1 && managers[0] === account.id) {
      throw new AdminAccountError(`${account.email} is the last enabled admin who can manage admins: give another admin that right first`, 'last_manager');
    }
    return account;
  });
}

const isManager = async (tx: Tx, id: string) =>
  ((await tx.query('SELECT 1 FROM admin_accounts WHERE id = $1 AND can_manage_admins AND disabled_at IS NULL', [id])).rowCount ?? 0) > 0;

/**
 * Disables (or enables) an account. Disabling ends every session of that admin at once (as a
 * password change does: rows deleted, NOTIFY for open WebSockets); the caller then calls
 * emitAdminSessionsEnded for this process's sockets. A disabled admin cannot sign in.
 */
export async function setAdminDisabled(db: Db, ref: AccountRef, disabled: boolean): Promise<AdminAccount> {
  return changeAccount(db, ref, async (tx, account) => {
    await tx.query('UPDATE admin_accounts SET disabled_at = CASE WHEN $2 THEN coalesce(disabled_at, now()) END WHERE id = $1', [account.id, disabled]);
    if (disabled) await endAdminSessionsInTx(tx, account.id);
    return isManager(tx, account.id);
  });
}

/** Grants or revokes the right to manage admins. */
export async function setAdminCanManage(db: Db, ref: AccountRef, canManage: boolean): Promise<AdminAccount> {
  return changeAccount(db, ref, async (tx, account) => {
    await tx.query('UPDATE admin_accounts SET can_manage_admins = $2 WHERE id = $1', [account.id, canManage]);
    return isManager(tx, account.id);
  });
}

/** Deletes an account; its sessions end with it (and open WebSockets hear the NOTIFY). */
export async function deleteAdminAccount(db: Db, ref: AccountRef): Promise<AdminAccount> {
  return changeAccount(db, ref, async (tx, account) => {
    await endAdminSessionsInTx(tx, account.id);
    await tx.query('DELETE FROM admin_accounts WHERE id = $1', [account.id]);
    return false;
  });
}

/**
 * Sets a new password and ends every session of that admin (see endAdminSessionsInTx).
 * Returns the account, or null when there is none. The caller tells this process's WebSocket
 * listeners (emitAdminSessionsEnded); other processes hear the NOTIFY.
 */
export async function setAdminPassword(db: Db, email: string, password: string): Promise<AdminAccount | null> {
  checkNewPassword(password);
  const hash = await hashPassword(password);
  return inTransaction(db, async (tx) => {
    const { rows } = await tx.query(
      'UPDATE admin_accounts SET password_hash = $2, password_changed_at = now() WHERE email = $1 RETURNING id, email',
      [normalizeEmail(email), hash],
    );
    if (!rows[0]) return null;
    await endAdminSessionsInTx(tx, rows[0].id);
    return { id: rows[0].id as string, email: rows[0].email as string };
  });
}

/**
 * The account when email and password match and the account is enabled, else null — in about
 * the same time either way. A disabled account answers exactly like a wrong password (the
 * password is still checked), so the answer says nothing about which accounts exist.
 */
export async function verifyAdminCredentials(db: Db, email: string, password: string): Promise<AdminAccount | null> {
  const { rows } = await db.query('SELECT id, email, password_hash, disabled_at FROM admin_accounts WHERE email = $1', [normalizeEmail(email)]);
  const row = rows[0];
  const ok = await verifyPassword(password, row?.password_hash ?? (await decoyHash()));
  return row && ok && !row.disabled_at ? { id: row.id, email: row.email } : null;
}

export async function adminExists(db: Db, email: string): Promise<boolean> {
  return ((await db.query('SELECT 1 FROM admin_accounts WHERE email = $1', [normalizeEmail(email)])).rowCount ?? 0) > 0;
}

/** Computes the decoy hash ahead of the first login. */
export async function warmUpAdminAccounts(): Promise<void> {
  await decoyHash();
}
