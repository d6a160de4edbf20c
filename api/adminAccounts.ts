// Admin portal accounts: email + scrypt password hash (node:crypto), in `admin_accounts`.
// Used by the CLI (`pulse admin create|set-password`) and by the login route. Admin accounts
// are a world apart from users: users never log in here, admins hold no user token.
import { randomBytes, randomUUID, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { inTransaction, type Db } from '../platform/db.js';
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

export class AdminAccountError extends Error {}

export const normalizeEmail = (email: string) => email.trim().toLowerCase();

function checkNewPassword(password: string): void {
  if (password.length < minPasswordLength) throw new AdminAccountError(`the password must be at least ${minPasswordLength} characters`);
  if (password.length > maxPasswordLength) throw new AdminAccountError(`the password must be at most ${maxPasswordLength} characters`);
}

function checkEmail(email: string): string {
  const e = normalizeEmail(email);
  if (!/^[^\s@]+@[^\s@]+$/.test(e) || e.length > 254) throw new AdminAccountError('not an email address');
  return e;
}

export interface AdminAccount {
  id: string;
  email: string;
}

export async function createAdminAccount(db: Db, email: string, password: string): Promise<AdminAccount> {
  const e = checkEmail(email);
  checkNewPassword(password);
  const id = randomUUID();
  const { rowCount } = await db.query(
    'INSERT INTO admin_accounts (id, email, password_hash) VALUES ($1, $2, $3) ON CONFLICT (email) DO NOTHING',
    [id, e, await hashPassword(password)],
  );
  if (!rowCount) throw new AdminAccountError(`an admin account for ${e} already exists`);
  return { id, email: e };
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

/** The account when email and password match, else null — in about the same time either way. */
export async function verifyAdminCredentials(db: Db, email: string, password: string): Promise<AdminAccount | null> {
  const { rows } = await db.query('SELECT id, email, password_hash FROM admin_accounts WHERE email = $1', [normalizeEmail(email)]);
  const row = rows[0];
  const ok = await verifyPassword(password, row?.password_hash ?? (await decoyHash()));
  return row && ok ? { id: row.id, email: row.email } : null;
}

export async function adminExists(db: Db, email: string): Promise<boolean> {
  return ((await db.query('SELECT 1 FROM admin_accounts WHERE email = $1', [normalizeEmail(email)])).rowCount ?? 0) > 0;
}

/** Computes the decoy hash ahead of the first login. */
export async function warmUpAdminAccounts(): Promise<void> {
  await decoyHash();
}
