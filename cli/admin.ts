// `pulse admin create|set-password|list|disable|enable|delete|grant|revoke`: admin portal
// accounts (docs/admin-auth.md). The password is read from stdin — piped (`--password-stdin`,
// or any non-terminal stdin: the whole input, one trailing newline removed) or typed at a
// hidden prompt — never from an argument, where it would land in shell history and `ps`.
// Every change is audited (cli/audit.ts) and refused when the audit trail cannot be reached.
import type { Command } from 'commander';
import { createInterface } from 'node:readline';
import {
  AdminAccountError, createAdminAccount, deleteAdminAccount, listAdminAccounts, minPasswordLength, normalizeEmail,
  setAdminCanManage, setAdminDisabled, setAdminPassword, type AdminAccountView,
} from '../api/adminAccounts.js';
import { loadConfig, type Config } from '../platform/config.js';
import { createDb, migrate, type Db } from '../platform/db.js';
import { AuditUnavailable, audited } from './audit.js';

async function readPiped(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

function prompt(question: string): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  // Echo nothing of what is typed.
  (rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput = (s: string) => {
    if (s.startsWith(question)) process.stderr.write(question);
  };
  return new Promise((resolve) => rl.question(question, (answer) => {
    rl.close();
    process.stderr.write('\n');
    resolve(answer);
  }));
}

async function readPassword(fromStdin: boolean): Promise<string> {
  if (fromStdin || !process.stdin.isTTY) return readPiped();
  const first = await prompt('Password: ');
  const again = await prompt('Password again: ');
  if (first !== again) throw new AdminAccountError('the passwords differ');
  return first;
}

async function withDb<T>(config: Config, fn: (db: Db) => Promise<T>): Promise<T> {
  await migrate(config.databaseUrl);
  const db = createDb(config.databaseUrl, 2);
  try {
    return await fn(db);
  } finally {
    await db.end();
  }
}

async function run(fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
  } catch (err) {
    if (!(err instanceof AdminAccountError) && !(err instanceof AuditUnavailable)) throw err;
    console.error(`pulse: ${err.message}`);
    process.exitCode = process.exitCode || 1;
  }
}

/** What the audit log names as target: the email as stored, or a placeholder when the argument is no email (it could be anything, even a password). */
const targetOf = (email: string) => {
  const e = normalizeEmail(email);
  return /^[^\s@]+@[^\s@]+$/.test(e) && e.length <= 254 ? e : '(not an email address)';
};

/** Runs one audited change of an account from the command line. */
function change(command: string, action: string, email: string, act: (db: Db) => Promise<string>) {
  return run(async () => {
    const config = loadConfig();
    console.log(await audited(config, `admin ${command}`, action, targetOf(email), () => withDb(config, act)));
  });
}

const day = (d: Date | null) => (d ? d.toISOString().replace('T', ' ').slice(0, 16) + 'Z' : '—');

export function accountTable(accounts: AdminAccountView[]): string {
  const lines = [['email', 'created', 'last login', 'disabled', 'manages admins'],
    ...accounts.map((a) => [a.email, day(a.createdAt), day(a.lastLoginAt), a.disabledAt ? `since ${day(a.disabledAt)}` : 'no', a.canManageAdmins ? 'yes' : 'no'])];
  const widths = lines[0]!.map((_, i) => Math.max(...lines.map((l) => l[i]!.length)));
  return lines.map((l) => l.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n');
}

async function confirmed(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  const answer = await new Promise<string>((resolve) => rl.question(question, resolve));
  rl.close();
  return /^y(es)?$/i.test(answer.trim());
}

export function registerAdminCommands(program: Command): void {
  const admin = program.command('admin').description('manage admin portal accounts');

  admin.command('create')
    .description(`create an admin account (password from stdin, at least ${minPasswordLength} characters); the first account always may manage admins`)
    .argument('<email>', 'the admin\'s email (their login)')
    .option('--password-stdin', 'read the password from stdin (the whole input, one trailing newline removed)')
    .option('--manage-admins', 'may list, create, disable and delete admin accounts')
    .action((email: string, opts: { passwordStdin?: boolean; manageAdmins?: boolean }) => run(async () => {
      const password = await readPassword(Boolean(opts.passwordStdin));
      await change('create', 'admin.create', email, async (db) => {
        const account = await createAdminAccount(db, email, password, { canManageAdmins: opts.manageAdmins });
        return `created admin ${account.email}${account.canManageAdmins ? ' (may manage admins)' : ''}`;
      });
    }));

  admin.command('set-password')
    .description('set an admin\'s password; ends every session of that admin')
    .argument('<email>', 'the admin\'s email')
    .option('--password-stdin', 'read the password from stdin (the whole input, one trailing newline removed)')
    .action((email: string, opts: { passwordStdin?: boolean }) => run(async () => {
      const password = await readPassword(Boolean(opts.passwordStdin));
      await change('set-password', 'admin.set_password', email, async (db) => {
        const account = await setAdminPassword(db, email, password);
        if (!account) throw new AdminAccountError(`no admin account for ${normalizeEmail(email)}`, 'not_found');
        return `password changed for ${account.email}; every session of that admin has ended`;
      });
    }));

  admin.command('list')
    .description('list admin accounts: created, last login, disabled, may manage admins')
    .option('--json', 'one JSON array instead of a table')
    .action((opts: { json?: boolean }) => run(async () => {
      const accounts = await withDb(loadConfig(), listAdminAccounts);
      if (opts.json) console.log(JSON.stringify(accounts.map((a) => ({ ...a, disabled: a.disabledAt !== null })), null, 2));
      else console.log(accounts.length ? accountTable(accounts) : 'no admin accounts yet: pulse admin create <email>');
    }));

  admin.command('disable')
    .description('stop an admin from signing in and end every session of theirs at once')
    .argument('<email>', 'the admin\'s email')
    .action((email: string) => change('disable', 'admin.disable', email, async (db) =>
      `disabled ${(await setAdminDisabled(db, { email }, true)).email}; every session of that admin has ended`));

  admin.command('enable')
    .description('let a disabled admin sign in again')
    .argument('<email>', 'the admin\'s email')
    .action((email: string) => change('enable', 'admin.enable', email, async (db) => `enabled ${(await setAdminDisabled(db, { email }, false)).email}`));

  admin.command('delete')
    .description('delete an admin account and end every session of theirs (asks first on a terminal)')
    .argument('<email>', 'the admin\'s email')
    .option('--yes', 'do not ask (required when stdin is not a terminal)')
    .action((email: string, opts: { yes?: boolean }) => run(async () => {
      if (!opts.yes) {
        if (!process.stdin.isTTY) throw new AdminAccountError('not a terminal: add --yes to delete without asking');
        if (!(await confirmed(`Delete the admin account ${normalizeEmail(email)}? This cannot be undone. [y/N] `))) {
          console.error('pulse: nothing deleted');
          process.exitCode = 1;
          return;
        }
      }
      await change('delete', 'admin.delete', email, async (db) => `deleted ${(await deleteAdminAccount(db, { email })).email}; every session of that admin has ended`);
    }));

  admin.command('grant')
    .description('let an admin manage admin accounts')
    .argument('<email>', 'the admin\'s email')
    .action((email: string) => change('grant', 'admin.grant_manage', email, async (db) => `${(await setAdminCanManage(db, { email }, true)).email} may now manage admins`));

  admin.command('revoke')
    .description('take away an admin\'s right to manage admin accounts')
    .argument('<email>', 'the admin\'s email')
    .action((email: string) => change('revoke', 'admin.revoke_manage', email, async (db) => `${(await setAdminCanManage(db, { email }, false)).email} may no longer manage admins`));
}
