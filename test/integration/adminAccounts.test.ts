import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { hostname, userInfo } from 'node:os';
import { adminSession, type AdminCall } from '../support/adminSession.js';
import { runCli } from '../support/cli.js';
import { ownEnvironment, type OwnEnvironment } from '../support/isolation.js';
import { eventually, startPulse, type RunningPulse } from '../support/pulse.js';
import { refusedPort } from '../support/refusedPort.js';

// Who may manage admins, and "the last one cannot go", are global to a database: the suite has
// one of its own, starting without any admin account.
describe('admin accounts: CLI and portal', function () {
  this.timeout(120_000);
  let env: OwnEnvironment;
  let pulse: RunningPulse;
  const operator = `cli:${userInfo().username}@${hostname()}`;
  const pw = () => `pw-${randomBytes(12).toString('base64url')}`;
  const first = { email: `first-${randomBytes(3).toString('hex')}@example.test`, password: pw() };
  const cli = (args: string[], stdin?: string) => runCli(args, { env: env.overrides, stdin });
  const login = (email: string, password: string) => pulse.api('POST', '/api/admin/session', { body: { email, password } });
  let manager: AdminCall;

  before(async () => {
    env = await ownEnvironment('admin accounts');
    pulse = await startPulse({ roles: ['projectors', 'api'], overrides: env.overrides });
  });
  after(async () => {
    await pulse?.stop();
    await env?.drop();
  });

  const auditOf = async (action: string, actor?: string) =>
    (await manager('GET', `/api/admin/audit?action=${action}${actor ? `&actor=${encodeURIComponent(actor)}` : ''}`)).body.entries as { actor: string; target: string; outcome: string; sourceIp: string; userAgent: string }[];

  it('creates the first admin from the CLI with the right to manage admins, audited with the OS user and host', async () => {
    const created = await cli(['admin', 'create', first.email, '--password-stdin'], `${first.password}\n`);
    expect(created.code, created.stderr).to.equal(0);
    expect(created.stdout).to.contain(`created admin ${first.email} (may manage admins)`);
    expect(created.stdout + created.stderr).not.to.contain(first.password);
    manager = await adminSession(pulse, first);
    const entries = await eventually(async () => {
      const found = (await auditOf('admin.create', operator)).filter((e) => e.target === first.email);
      return found.length > 0 && found;
    }, 'admin.create audited');
    expect(entries[0]).to.include({ actor: operator, target: first.email, outcome: 'success', sourceIp: 'cli', userAgent: 'pulse admin create' });
  });

  it('lists accounts as a table and as JSON', async () => {
    const second = `second-${randomBytes(3).toString('hex')}@example.test`;
    expect((await cli(['admin', 'create', second, '--password-stdin'], pw())).code).to.equal(0);
    const table = await cli(['admin', 'list']);
    expect(table.stdout).to.match(/email\s+created\s+last login\s+disabled\s+manages admins/);
    const json = JSON.parse((await cli(['admin', 'list', '--json'])).stdout) as { email: string; canManageAdmins: boolean; disabled: boolean; lastLoginAt: string | null }[];
    expect(json.find((a) => a.email === first.email)).to.include({ canManageAdmins: true, disabled: false });
    expect(json.find((a) => a.email === first.email)?.lastLoginAt).to.be.a('string'); // signed in above
    expect(json.find((a) => a.email === second)).to.include({ canManageAdmins: false, disabled: false, lastLoginAt: null });
  });

  it('disables an admin: sessions end at once, login answers as for a wrong password; enable lets them in again', async () => {
    const creds = { email: `dis-${randomBytes(3).toString('hex')}@example.test`, password: pw() };
    expect((await cli(['admin', 'create', creds.email, '--password-stdin'], creds.password)).code).to.equal(0);
    const session = await adminSession(pulse, creds);
    expect((await session('GET', '/api/admin/session')).status).to.equal(200);

    const disabled = await cli(['admin', 'disable', creds.email]);
    expect(disabled.code, disabled.stderr).to.equal(0);
    expect((await session('GET', '/api/admin/session')).status).to.equal(401);
    const refused = await login(creds.email, creds.password);
    const wrong = await login(first.email, 'not-the-password-at-all');
    expect(refused.status).to.equal(401);
    expect(refused.body).to.deep.equal(wrong.body);

    expect((await cli(['admin', 'enable', creds.email])).code).to.equal(0);
    expect((await login(creds.email, creds.password)).status).to.equal(200);
    const actions = await eventually(async () => {
      const all = [...(await auditOf('admin.disable', operator)), ...(await auditOf('admin.enable', operator))].filter((e) => e.target === creds.email);
      return all.length === 2 && all;
    }, 'disable and enable audited');
    expect(actions.map((e) => e.outcome)).to.deep.equal(['success', 'success']);
  });

  it('refuses to remove the last admin who can manage admins, and audits the refusal', async () => {
    for (const args of [['admin', 'disable', first.email], ['admin', 'delete', first.email, '--yes'], ['admin', 'revoke', first.email]]) {
      const res = await cli(args);
      expect(res.code, args.join(' ')).to.equal(1);
      expect(res.stderr).to.contain('last enabled admin who can manage admins');
    }
    expect((await manager('GET', '/api/admin/session')).status).to.equal(200); // nothing happened to it
    await eventually(async () => (await auditOf('admin.delete', operator)).some((e) => e.target === first.email && e.outcome === 'failure'), 'refusal audited');
    expect((await cli(['admin', 'delete', first.email])).stderr).to.contain('add --yes'); // no terminal, no --yes: nothing asked, nothing done
  });

  it('does nothing when the audit trail cannot be reached', async () => {
    const dead = await refusedPort();
    try {
      const email = `unaudited-${randomBytes(3).toString('hex')}@example.test`;
      const res = await runCli(['admin', 'create', email, '--password-stdin'], { env: { ...env.overrides, KAFKA_BROKERS: `127.0.0.1:${dead.port}` }, stdin: pw() });
      expect(res.code).to.equal(1);
      expect(res.stderr).to.contain('audit trail').and.to.contain('nothing was done').and.to.contain('no Kafka broker');
      expect((await cli(['admin', 'list', '--json'])).stdout).not.to.contain(email);
    } finally {
      await dead.close();
    }
  });

  it('lets only admins with the right manage accounts in the portal, each change audited', async () => {
    const plain = { email: `plain-${randomBytes(3).toString('hex')}@example.test`, password: pw() };
    const created = await manager('POST', '/api/admin/accounts', { body: { email: plain.email.toUpperCase(), password: plain.password } });
    expect(created.status, created.text).to.equal(201);
    expect(created.body).to.include({ email: plain.email, canManageAdmins: false, disabled: false, you: false });
    expect(created.text).not.to.contain(plain.password);
    expect((await manager('POST', '/api/admin/accounts', { body: { email: plain.email, password: pw() } })).status).to.equal(409);
    for (const [body, field] of [[{ email: 'nope', password: pw() }, 'email'], [{ email: 'x@example.test', password: 'short' }, 'password'],
      [{ email: 'a\u0000b@example.test', password: pw() }, 'email'], [{ email: 'x@example.test', password: pw(), extra: 1 }, 'body']] as const) {
      const res = await manager('POST', '/api/admin/accounts', { body });
      expect(res.status, JSON.stringify(body)).to.equal(400);
      expect(Object.keys(res.body.error.fields).join(), JSON.stringify(body)).to.contain(field);
    }

    const other = await adminSession(pulse, plain);
    expect((await other('GET', '/api/admin/accounts')).status).to.equal(403);
    expect((await other('DELETE', `/api/admin/accounts/${created.body.id}`)).status).to.equal(403);
    await eventually(async () => (await auditOf('admin.accounts', plain.email)).some((e) => e.outcome === 'denied'), 'denied attempt audited');

    // Grant, then the new manager may act; disabling ends the session at once.
    const granted = await manager('PATCH', `/api/admin/accounts/${created.body.id}`, { body: { canManageAdmins: true } });
    expect(granted.body).to.include({ canManageAdmins: true });
    expect((await other('GET', '/api/admin/accounts')).status).to.equal(200);
    const off = await manager('PATCH', `/api/admin/accounts/${created.body.id}`, { body: { disabled: true } });
    expect(off.status).to.equal(200);
    expect(off.body).to.include({ disabled: true });
    expect((await other('GET', '/api/admin/session')).status).to.equal(401);
    expect((await login(plain.email, plain.password)).status).to.equal(401);

    const me = (await manager('GET', '/api/admin/accounts')).body.accounts.find((a: { you: boolean }) => a.you);
    expect(me.email).to.equal(first.email);
    const self = await manager('PATCH', `/api/admin/accounts/${me.id}`, { body: { disabled: true } });
    expect(self.status).to.equal(409);
    expect(self.body.error.code).to.equal('last_admin_manager');
    expect((await manager('PATCH', `/api/admin/accounts/${me.id}`, { body: {} })).status).to.equal(400);
    expect((await manager('DELETE', '/api/admin/accounts/not-a-uuid')).status).to.equal(400);

    expect((await manager('DELETE', `/api/admin/accounts/${created.body.id}`)).status).to.equal(204);
    expect((await manager('DELETE', `/api/admin/accounts/${created.body.id}`)).status).to.equal(404);
    const mine = await eventually(async () => {
      const entries = (await manager('GET', `/api/admin/audit?actor=${encodeURIComponent(first.email)}&limit=100`)).body.entries as { action: string; target: string; outcome: string }[];
      const about = entries.filter((e) => e.target === plain.email).map((e) => `${e.action}:${e.outcome}`);
      return about.includes('admin.delete:success') && about;
    }, 'portal changes audited');
    expect(mine).to.include.members(['admin.create:success', 'admin.create:failure', 'admin.grant_manage:success', 'admin.disable:success', 'admin.delete:success']);
  });
});
