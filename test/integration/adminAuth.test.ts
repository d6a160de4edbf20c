import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import path from 'node:path';
import { Writable } from 'node:stream';
import { createAdminAccount } from '../../api/adminAccounts.js';
import { onAdminSessionsEnded } from '../../api/adminSessions.js';
import { projectRoot } from '../../platform/config.js';
import { adminSession, createTestAdmin, sessionCookieOf, type AdminCall } from '../support/adminSession.js';
import { decodeAll, readTopic } from '../support/topicReader.js';
import { eventually, startPulse, type ApiResponse, type RunningPulse } from '../support/pulse.js';

function runCli(args: string[], stdin: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(projectRoot, 'cli', 'main.ts'), ...args], { cwd: projectRoot, env: process.env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

describe('admin portal: accounts, sessions, CSRF, rate limits, audit', function () {
  this.timeout(180_000); // a ceiling for a hang, not a speed claim: scrypt logins crawl on a busy machine
  let pulse: RunningPulse;
  const logs: string[] = [];
  /** Every response body seen, except the login's own `{csrfToken}`. */
  const responses: string[] = [];
  /** Values that must never appear in events, logs or responses. */
  const secrets: string[] = [];
  const login = async (email: string, password: string) => {
    const res = await pulse.api('POST', '/api/admin/session', { body: { email, password } });
    if (res.status !== 200) responses.push(res.text);
    return res;
  };
  const keep = (res: ApiResponse) => (responses.push(res.text), res);
  const remember = (admin: AdminCall) => {
    secrets.push(admin.cookie.split('=')[1] as string, admin.csrfToken, createHash('sha256').update(admin.cookie.split('=')[1] as string).digest('hex'));
    return admin;
  };
  /** Reads the audit log as an admin of its own. */
  const reader: AdminCall = (async (...args: Parameters<AdminCall>) => {
    readerSession ??= remember(await adminSession(pulse, await newAdmin()));
    return keep(await readerSession(...args));
  }) as AdminCall;
  let readerSession: AdminCall | undefined;
  const newAdmin = async () => {
    const creds = await createTestAdmin(pulse);
    secrets.push(creds.password);
    return creds;
  };

  before(async () => {
    pulse = await startPulse({
      roles: ['projectors', 'api'],
      logs: { level: 'debug', destination: new Writable({ write(chunk, _enc, done) { logs.push(String(chunk)); done(); } }) },
      // This suite fails many logins from 127.0.0.1; the per-IP limit has a test of its own.
      overrides: { ADMIN_LOGIN_FAILURES_PER_IP: '1000' },
    });
  });
  after(async () => {
    // Other suites log in from the same IP with the default limits.
    await pulse?.rt.db.query(`DELETE FROM rate_limits WHERE key LIKE 'admin-login-%'`);
    await pulse?.stop();
  });

  it('creates an admin with the CLI (password from stdin), refusing short passwords', async function () {
    this.timeout(300_000); // three CLI processes one after another, each loading the whole CLI with tsx: slow on a busy machine
    const email = `cli-${randomBytes(3).toString('hex')}@Example.test`;
    const password = `cli-pw-${randomBytes(9).toString('base64url')}`;
    secrets.push(password);
    const short = await runCli(['admin', 'create', email, '--password-stdin'], 'too-short\n');
    expect(short.code).to.equal(1);
    expect(short.stderr).to.match(/at least 12 characters/);
    const made = await runCli(['admin', 'create', email, '--password-stdin'], `${password}\n`);
    expect(made.code, made.stderr).to.equal(0);
    expect(made.stdout + made.stderr).not.to.include(password);
    const { rows } = await pulse.rt.db.query('SELECT email, password_hash FROM admin_accounts WHERE email = $1', [email.toLowerCase()]);
    expect(rows).to.have.length(1);
    expect(rows[0].password_hash).to.match(/^scrypt\$N=32768,r=8,p=1\$[A-Za-z0-9+/=]{24}\$/);
    expect(rows[0].password_hash).not.to.include(password);
    const again = await runCli(['admin', 'create', email, '--password-stdin'], `${password}\n`);
    expect(again.code).to.equal(1);
    expect(again.stderr).to.match(/already exists/);
    // The trailing newline was not part of the password; the email is case-insensitive.
    expect((await login(email.toUpperCase(), password)).status).to.equal(200);
  });

  it('logs in: HttpOnly SameSite=Strict cookie on /api/admin, CSRF token in the body, session in Postgres by hash only', async () => {
    const creds = await newAdmin();
    const res = await login(creds.email, creds.password);
    expect(res.status).to.equal(200);
    expect(res.body).to.have.all.keys('csrfToken');
    const setCookie = res.headers.getSetCookie().join('\n');
    expect(setCookie).to.match(/^pulse_admin=[A-Za-z0-9_-]{43}; /);
    for (const attr of ['HttpOnly', 'SameSite=Strict', 'Path=/api/admin', `Max-Age=${12 * 3600}`]) expect(setCookie).to.include(attr);
    expect(setCookie).not.to.include('Secure'); // PUBLIC_API_URL is http here
    const value = (sessionCookieOf(res) as string).split('=')[1] as string;
    secrets.push(value, res.body.csrfToken);
    const { rows } = await pulse.rt.db.query('SELECT s.id FROM admin_sessions s JOIN admin_accounts a ON a.id = s.admin_id WHERE a.email = $1', [creds.email]);
    expect(rows.map((r) => r.id)).to.deep.equal([createHash('sha256').update(value).digest('hex')]);

    const admin = remember(await adminSession(pulse, creds));
    const me = keep(await admin('GET', '/api/admin/session'));
    expect(me.status).to.equal(200);
    expect(me.body).to.deep.equal({ email: creds.email });
    expect(keep(await admin('GET', '/api/admin/dead-letters')).status).to.equal(200);
    expect(keep(await admin('GET', '/api/admin/replays')).status).to.equal(200);
  });

  it('requires the CSRF token on every state-changing admin request', async () => {
    const admin = remember(await adminSession(pulse, await newAdmin()));
    const other = remember(await adminSession(pulse, await newAdmin()));
    const missing = keep(await admin('POST', '/api/admin/dead-letters/audit/redrive', { csrf: false }));
    expect(missing.status).to.equal(403);
    expect(missing.body.error.code).to.equal('csrf_failed');
    expect(keep(await admin('POST', '/api/admin/dead-letters/audit/redrive', { csrf: false, headers: { 'x-csrf-token': 'nope' } })).status).to.equal(403);
    // Another session's token does not fit this one.
    expect(keep(await admin('POST', '/api/admin/dead-letters/audit/redrive', { csrf: false, headers: { 'x-csrf-token': other.csrfToken } })).status).to.equal(403);
    expect(keep(await admin('DELETE', '/api/admin/session', { csrf: false })).status).to.equal(403);
    expect(keep(await admin('POST', '/api/admin/replays', { csrf: false, body: { projection: 'integrations' } })).status).to.equal(403);
    expect(keep(await admin('GET', '/api/admin/session')).status).to.equal(200); // still logged in
    const ok = keep(await admin('POST', '/api/admin/dead-letters/audit/redrive'));
    expect(ok.status).to.equal(200);
    expect(ok.body).to.deep.equal({ redriven: 0 });
  });

  it('keeps users and admins apart: user tokens never open admin routes, the admin cookie never opens user routes', async () => {
    const admin = remember(await adminSession(pulse, await newAdmin()));
    const user = pulse.tokenFor('some-user');
    for (const [method, p] of [['GET', '/api/admin/session'], ['GET', '/api/admin/dead-letters'], ['GET', '/api/admin/audit'], ['POST', '/api/admin/replays'], ['DELETE', '/api/admin/session']] as const) {
      expect(keep(await pulse.api(method, p, { token: user })).status, `${method} ${p} with a user token`).to.equal(401);
      expect(keep(await pulse.api(method, p)).status, `${method} ${p} anonymous`).to.equal(401);
    }
    const asUser = keep(await pulse.api('GET', '/api/integrations', { headers: { cookie: admin.cookie } }));
    expect(asUser.status).to.equal(401);
    expect(keep(await pulse.api('GET', '/api/integrations', { token: user })).status).to.equal(200);
    // A tampered or unknown cookie is no session.
    expect(keep(await pulse.api('GET', '/api/admin/session', { headers: { cookie: `pulse_admin=${randomBytes(32).toString('base64url')}` } })).status).to.equal(401);
  });

  // That both cost one scrypt (an unknown email is checked against a decoy hash) is measured,
  // not asserted: `npm run bench:timings` prints the two login times side by side.
  it('answers a wrong password exactly like an unknown email', async () => {
    const creds = await newAdmin();
    const wrong = await login(creds.email, 'not-the-password-at-all');
    const unknown = await login(`nobody-${randomBytes(3).toString('hex')}@example.test`, 'not-the-password-at-all');
    expect(wrong.status).to.equal(401);
    expect(unknown.status).to.equal(401);
    expect(wrong.text).to.equal(unknown.text);
    expect(wrong.body.error.code).to.equal('invalid_credentials');
    expect(sessionCookieOf(wrong)).to.equal(null);
    expect(sessionCookieOf(unknown)).to.equal(null);
    expect([...wrong.headers.keys()].sort()).to.deep.equal([...unknown.headers.keys()].sort());
  });

  it('locks an email out after repeated failures: 429 with Retry-After, even with the right password', async () => {
    const creds = await newAdmin();
    for (let i = 0; i < 5; i++) expect((await login(creds.email, `wrong-${i}-password`)).status).to.equal(401);
    const locked = await login(creds.email, 'wrong-again-password');
    expect(locked.status).to.equal(429);
    expect(Number(locked.headers.get('retry-after'))).to.be.within(1, 15 * 60);
    expect(locked.body.error.code).to.equal('too_many_attempts');
    expect((await login(creds.email, creds.password)).status).to.equal(429);
    const audited = await eventually(async () => {
      const entries = (await reader('GET', `/api/admin/audit?actor=${encodeURIComponent(creds.email)}&action=admin.login`)).body.entries as { outcome: string }[];
      return entries.filter((e) => e.outcome === 'denied').length >= 2 && entries.map((e) => e.outcome);
    }, 'the refused logins in the audit log');
    expect(audited.filter((o) => o === 'failure')).to.have.length(5);
    // Counted per email: another admin still logs in.
    const other = await newAdmin();
    expect((await login(other.email, other.password)).status).to.equal(200);
    // Keys are hashes: the email (or whatever was typed) is not stored.
    const { rows } = await pulse.rt.db.query(`SELECT key FROM rate_limits WHERE key LIKE 'admin-login-%'`);
    expect(rows.length).to.be.greaterThan(0);
    expect(rows.some((r) => String(r.key).includes('@'))).to.equal(false);
  });

  it('locks a source IP out after repeated failures across emails', async () => {
    const strict = await startPulse({ roles: ['api'], overrides: { ADMIN_LOGIN_FAILURES_PER_IP: '3' } });
    try {
      const creds = await newAdmin();
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) {
        const res = await strict.api('POST', '/api/admin/session', { body: { email: `ip-${i}-${randomBytes(2).toString('hex')}@example.test`, password: 'wrong-password-here' } });
        statuses.push(res.status);
      }
      expect(statuses).to.include(429); // (the suite's earlier failures from this IP may already count)
      const blocked = await strict.api('POST', '/api/admin/session', { body: creds });
      expect(blocked.status).to.equal(429);
      expect(blocked.headers.get('retry-after')).to.match(/^\d+$/);
    } finally {
      await strict.stop();
    }
  });

  it('ends every session of the admin on logout (other admins keep theirs) and tells WebSocket hooks', async () => {
    const creds = await newAdmin();
    const a = remember(await adminSession(pulse, creds));
    const b = remember(await adminSession(pulse, creds));
    const someoneElse = remember(await adminSession(pulse, await newAdmin()));
    const ended: string[] = [];
    const unsubscribe = onAdminSessionsEnded((adminId) => ended.push(adminId));
    try {
      const out = keep(await a('DELETE', '/api/admin/session'));
      expect(out.status).to.equal(204);
      expect(out.headers.getSetCookie().join('\n')).to.match(/^pulse_admin=; Path=\/api\/admin; Max-Age=0/);
    } finally {
      unsubscribe();
    }
    expect(keep(await a('GET', '/api/admin/session')).status).to.equal(401);
    expect(keep(await b('GET', '/api/admin/session')).status).to.equal(401);
    expect(keep(await b('POST', '/api/admin/dead-letters/audit/redrive')).status).to.equal(401);
    expect(keep(await someoneElse('GET', '/api/admin/session')).status).to.equal(200);
    const { rows } = await pulse.rt.db.query('SELECT id FROM admin_accounts WHERE email = $1', [creds.email]);
    expect(ended).to.deep.equal([rows[0].id]);
    // Logging in again works.
    expect((await login(creds.email, creds.password)).status).to.equal(200);
  });

  it('changes the password: checks the current one, ends every session, the old password stops working', async () => {
    const creds = await newAdmin();
    const a = remember(await adminSession(pulse, creds));
    const b = remember(await adminSession(pulse, creds));
    const next = `next-${randomBytes(12).toString('base64url')}`;
    secrets.push(next);
    const wrong = keep(await a('POST', '/api/admin/password', { body: { current: 'not-my-password', next } }));
    expect(wrong.status).to.equal(403);
    const short = keep(await a('POST', '/api/admin/password', { body: { current: creds.password, next: 'short' } }));
    expect(short.status).to.equal(400);
    expect(short.body.error.fields).to.have.keys('next');
    expect(keep(await a('POST', '/api/admin/password', { body: { current: creds.password, next }, csrf: false })).status).to.equal(403);
    expect(keep(await b('GET', '/api/admin/session')).status).to.equal(200);

    const changed = keep(await a('POST', '/api/admin/password', { body: { current: creds.password, next } }));
    expect(changed.status).to.equal(204);
    expect(keep(await a('GET', '/api/admin/session')).status).to.equal(401);
    expect(keep(await b('GET', '/api/admin/session')).status).to.equal(401);
    expect((await login(creds.email, creds.password)).status).to.equal(401);
    expect((await login(creds.email, next)).status).to.equal(200);
    const audited = await eventually(async () => {
      const entries = (await reader('GET', `/api/admin/audit?actor=${encodeURIComponent(creds.email)}&action=admin.password_change`)).body.entries as { outcome: string }[];
      return entries.length >= 2 && entries.map((e) => e.outcome);
    }, 'the password changes in the audit log');
    expect(audited.sort()).to.deep.equal(['failure', 'success']);
  });

  it('ends a session after the idle timeout and after the absolute lifetime', async () => {
    const creds = await newAdmin();
    const idle = remember(await adminSession(pulse, creds));
    const old = remember(await adminSession(pulse, creds));
    const idOf = (a: AdminCall) => createHash('sha256').update(a.cookie.split('=')[1] as string).digest('hex');
    await pulse.rt.db.query(`UPDATE admin_sessions SET last_seen_at = now() - interval '31 minutes' WHERE id = $1`, [idOf(idle)]);
    await pulse.rt.db.query(`UPDATE admin_sessions SET expires_at = now() - interval '1 second' WHERE id = $1`, [idOf(old)]);
    expect(keep(await idle('GET', '/api/admin/session')).status).to.equal(401);
    expect(keep(await old('GET', '/api/admin/session')).status).to.equal(401);
    const fresh = remember(await adminSession(pulse, creds));
    expect(keep(await fresh('GET', '/api/admin/session')).status).to.equal(200);
  });

  it('records every admin action in the audit log, newest first, paginated and filterable', async () => {
    const creds = await newAdmin();
    const admin = remember(await adminSession(pulse, creds));
    const { rt } = pulse;
    const asOf = encodeURIComponent(new Date(Date.now() - 60_000).toISOString());
    const integrationId = '7c0e7a53-2b0c-4b8e-9a4e-3f1d2c6b5a41';
    expect(keep(await admin('GET', `/api/admin/integrations/${integrationId}/health?asOf=${asOf}`)).status).to.equal(404);
    expect(keep(await admin('POST', '/api/admin/dead-letters/checks/redrive')).status).to.equal(200);
    expect(keep(await admin('POST', '/api/admin/dead-letters/checks/redrive', { csrf: false })).status).to.equal(403);
    const replay = keep(await admin('POST', '/api/admin/replays', { body: { projection: 'admin_audit' } }));
    expect(replay.status).to.equal(202);
    await eventually(async () => (await admin('GET', `/api/admin/replays/${replay.body.replayId}`)).body.state === 'done', 'audit replay done', 60_000, 200);
    const failed = await login(creds.email, 'wrong-password-once');
    expect(failed.status).to.equal(401);
    const typedPasswordAsEmail = `my-secret-${randomBytes(6).toString('hex')}`;
    secrets.push(typedPasswordAsEmail);
    expect((await login(typedPasswordAsEmail, 'whatever-password')).status).to.equal(401);
    const second = remember(await adminSession(pulse, creds));
    expect(keep(await second('DELETE', '/api/admin/session')).status).to.equal(204);

    const reader = remember(await adminSession(pulse, await newAdmin()));
    const expected = [
      ['admin.login', null, 'success'],
      ['integration.health_as_of', integrationId, 'failure'],
      ['dead_letters.redrive', 'checks', 'success'],
      ['csrf.rejected', 'POST /api/admin/dead-letters/checks/redrive', 'denied'],
      ['replay.start', 'admin_audit', 'success'],
      ['admin.login', null, 'failure'],
      ['admin.logout', null, 'success'],
    ];
    const mine = await eventually(async () => {
      const res = await reader('GET', `/api/admin/audit?actor=${encodeURIComponent(creds.email)}&limit=500`);
      const entries = res.body.entries as { action: string; target: string | null; outcome: string }[];
      return entries.length >= expected.length + 1 && entries; // + the second login
    }, 'the admin\'s actions in the audit log');
    keep({ text: JSON.stringify(mine) } as ApiResponse);
    const seen = mine.map((e) => [e.action, e.target, e.outcome]);
    for (const e of expected) expect(seen).to.deep.include(e);
    expect(mine[0]).to.include({ action: 'admin.logout', actor: creds.email });
    expect(mine[0]).to.have.all.keys('eventId', 'actor', 'action', 'target', 'outcome', 'sourceIp', 'userAgent', 'occurredAt');
    const times = mine.map((e) => Date.parse((e as unknown as { occurredAt: string }).occurredAt));
    expect(times).to.deep.equal([...times].sort((x, y) => y - x));

    // Failed logins naming no account are recorded as 'unknown', never with what was typed.
    const unknown = (await reader('GET', '/api/admin/audit?actor=unknown&action=admin.login&outcome=failure')).body.entries;
    expect(unknown.length).to.be.greaterThan(0);

    // Pagination: pages of 2 walk the same entries without overlap.
    const walked: string[] = [];
    let before: string | null = null;
    do {
      const page: ApiResponse = await reader('GET', `/api/admin/audit?actor=${encodeURIComponent(creds.email)}&limit=2${before ? `&before=${before}` : ''}`);
      expect(page.status).to.equal(200);
      walked.push(...page.body.entries.map((e: { eventId: string }) => e.eventId));
      before = page.body.nextBefore;
    } while (before);
    expect(walked).to.deep.equal(mine.map((e) => (e as unknown as { eventId: string }).eventId));
    // from/to bound the time.
    const inFuture = await reader('GET', `/api/admin/audit?from=${encodeURIComponent(new Date(Date.now() + 3_600_000).toISOString())}`);
    expect(inFuture.body.entries).to.deep.equal([]);

    const bad = await reader('GET', '/api/admin/audit?limit=0&from=yesterday&before=nope&outcome=maybe&colour=red');
    expect(bad.status).to.equal(400);
    expect(bad.body.error.fields).to.include.keys('limit', 'from', 'before', 'outcome');

    // The raw topic: keyed by actor, and AdminActionPerformed values.
    const raw = await readTopic(rt.config, rt.topics.audit);
    const decoded = await decodeAll(rt.config, raw);
    expect(raw.filter((r) => r.key === creds.email).length).to.equal(mine.length);
    expect(decoded.every((d) => typeof d.actor === 'string' && ['success', 'failure', 'denied'].includes(d.outcome))).to.equal(true);
  });

  it('never puts a password, cookie, CSRF token or session id in an event, a log line or a response', async () => {
    const raw = await readTopic(pulse.rt.config, pulse.rt.topics.audit);
    const events = raw.map((r) => `${r.key} ${r.value?.toString('latin1')} ${JSON.stringify(r.headers)}`).join('\n');
    const places = { events, logs: logs.join(''), responses: responses.join('\n') };
    expect(places.logs).to.contain('request'); // the logs were captured, so their silence means something
    expect(raw.length).to.be.greaterThan(10);
    expect(secrets.length).to.be.greaterThan(10);
    for (const [where, text] of Object.entries(places)) {
      for (const secret of secrets) expect(text.includes(secret), `a secret appears in ${where}`).to.equal(false);
    }
  });
});

describe('admin accounts (store)', () => {
  it('refuses passwords under 12 characters and duplicate emails', async () => {
    const { loadConfig } = await import('../../platform/config.js');
    const { createDb } = await import('../../platform/db.js');
    const db = createDb(loadConfig().databaseUrl, 1);
    try {
      const email = `store-${randomBytes(3).toString('hex')}@example.test`;
      let err: unknown;
      await createAdminAccount(db, email, 'elevenchars').catch((e) => (err = e));
      expect((err as Error)?.message).to.match(/at least 12/);
      await createAdminAccount(db, email, 'twelve-chars');
      err = undefined;
      await createAdminAccount(db, email.toUpperCase(), 'twelve-chars').catch((e) => (err = e));
      expect((err as Error)?.message).to.match(/already exists/);
    } finally {
      await db.end();
    }
  });
});
