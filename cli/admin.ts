// `pulse admin create <email>` and `pulse admin set-password <email>`: admin portal accounts
// (docs/admin-auth.md). The password is read from stdin — piped (`--password-stdin`, or any
// non-terminal stdin: the whole input, one trailing newline removed) or typed at a hidden
// prompt — never from an argument, where it would land in shell history and `ps`.
import type { Command } from 'commander';
import { createInterface } from 'node:readline';
import { AdminAccountError, createAdminAccount, minPasswordLength, setAdminPassword } from '../api/adminAccounts.js';
import { loadConfig } from '../platform/config.js';
import { createDb, migrate, type Db } from '../platform/db.js';

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

async function withDb<T>(fn: (db: Db) => Promise<T>): Promise<T> {
  const config = loadConfig();
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
    if (!(err instanceof AdminAccountError)) throw err;
    console.error(`pulse: ${err.message}`);
    process.exitCode = 1;
  }
}

export function registerAdminCommands(program: Command): void {
  const admin = program.command('admin').description('manage admin portal accounts');

  admin.command('create')
    .description(`create an admin account (password from stdin, at least ${minPasswordLength} characters)`)
    .argument('<email>', 'the admin\'s email (their login)')
    .option('--password-stdin', 'read the password from stdin (the whole input, one trailing newline removed)')
    .action((email: string, opts: { passwordStdin?: boolean }) => run(async () => {
      const password = await readPassword(Boolean(opts.passwordStdin));
      const account = await withDb((db) => createAdminAccount(db, email, password));
      console.log(`created admin ${account.email}`);
    }));

  admin.command('set-password')
    .description('set an admin\'s password; ends every session of that admin')
    .argument('<email>', 'the admin\'s email')
    .option('--password-stdin', 'read the password from stdin (the whole input, one trailing newline removed)')
    .action((email: string, opts: { passwordStdin?: boolean }) => run(async () => {
      const password = await readPassword(Boolean(opts.passwordStdin));
      const account = await withDb((db) => setAdminPassword(db, email, password));
      if (!account) throw new AdminAccountError(`no admin account for ${email.trim().toLowerCase()}`);
      console.log(`password changed for ${account.email}; every session of that admin has ended`);
    }));
}
