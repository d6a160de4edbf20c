import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { adminSession, createTestAdmin, type AdminCall, type AdminCredentials } from '../support/adminSession.js';
import { eventually, startPulse, type ApiResponse, type RunningPulse } from '../support/pulse.js';

const LIMIT = 5;
const BURST = 10;

// Guesses fired all at once, as an attacker would: the count must be taken before the slow
// password check, or every guess in flight passes a check made before the others are recorded.
// Each test speaks from forged addresses of its own (TRUST_PROXY=loopback + X-Forwarded-For),
// so the run's other logins from 127.0.0.1 neither count here nor get locked out by this suite.
describe('admin login and password-change limits hold under parallel attempts', function () {
  this.timeout(300_000); // a ceiling for a hang: ten scrypt hashes at once crawl on a busy machine
  let pulse: RunningPulse;
  let reader: AdminCall;
  const ip = () => `198.18.${randomBytes(1)[0]}.${1 + (randomBytes(1)[0]! % 254)}`;
  const from = (addr: string) => ({ 'x-forwarded-for': addr });
  const login = (creds: AdminCredentials, addr: string) => pulse.api('POST', '/api/admin/session', { body: creds, headers: from(addr) });
  const statuses = (answers: ApiResponse[]) => answers.map((r) => r.status).sort();
  const expectRefusals = (answers: ApiResponse[]) => {
    for (const res of answers.filter((r) => r.status === 429)) {
      expect(res.body.error.code).to.equal('too_many_attempts');
      expect(Number(res.headers.get('retry-after'))).to.be.within(1, 15 * 60);
    }
  };
  const outcomes = async (actor: string, action: string, atLeast: number) => eventually(async () => {
    const res = await reader('GET', `/api/admin/audit?actor=${encodeURIComponent(actor)}&action=${action}&limit=500`);
    const list = (res.body.entries as { outcome: string }[]).map((e) => e.outcome);
    return list.length >= atLeast && list;
  }, `${atLeast} ${action} entries for ${actor} in the audit log`);

  before(async () => {
    pulse = await startPulse({
      roles: ['projectors', 'api'],
      overrides: { TRUST_PROXY: 'loopback', ADMIN_LOGIN_FAILURES_PER_EMAIL: String(LIMIT), ADMIN_LOGIN_FAILURES_PER_IP: String(LIMIT) },
    });
    reader = await adminSession(pulse);
  });
  after(async () => pulse?.stop());

  it(`per email: ${BURST} wrong passwords at once (each from its own address) give ${LIMIT} × 401 and the rest 429; then the right one is 429 too`, async () => {
    const creds = await createTestAdmin(pulse);
    const answers = await Promise.all(Array.from({ length: BURST }, (_, i) => login({ email: creds.email, password: `wrong-${i}-password` }, ip())));
    expect(statuses(answers)).to.deep.equal([...Array(LIMIT).fill(401), ...Array(BURST - LIMIT).fill(429)]);
    expectRefusals(answers);
    const right = await login(creds, ip());
    expect(right.status).to.equal(429);
    expect(right.headers.getSetCookie()).to.deep.equal([]);
    // Every refusal is audited, the right password's included; only the five checked ones are failures.
    const audited = await outcomes(creds.email, 'admin.login', BURST + 1);
    expect(audited.filter((o) => o === 'failure')).to.have.length(LIMIT);
    expect(audited.filter((o) => o === 'denied')).to.have.length(BURST - LIMIT + 1);
    expect(audited).not.to.include('success');
  });

  it(`per IP: ${BURST} wrong logins at once for different emails from one address give ${LIMIT} × 401 and the rest 429; a real admin is then refused there, not elsewhere`, async () => {
    const addr = ip();
    const answers = await Promise.all(Array.from({ length: BURST }, (_, i) =>
      login({ email: `nobody-${i}-${randomBytes(3).toString('hex')}@example.test`, password: 'wrong-password-here' }, addr)));
    expect(statuses(answers)).to.deep.equal([...Array(LIMIT).fill(401), ...Array(BURST - LIMIT).fill(429)]);
    expectRefusals(answers);
    const creds = await createTestAdmin(pulse);
    expect((await login(creds, addr)).status, 'right password from the locked address').to.equal(429);
    expect((await login(creds, ip())).status, 'right password from another address').to.equal(200);
  });

  it(`password change: ${BURST} wrong current passwords at once give ${LIMIT} × 403 and the rest 429; then the right one is 429 and the password is unchanged`, async () => {
    const creds = await createTestAdmin(pulse);
    const admin = await adminSession(pulse, creds);
    const next = `next-${randomBytes(9).toString('base64url')}`;
    const answers = await Promise.all(Array.from({ length: BURST }, (_, i) =>
      admin('POST', '/api/admin/password', { body: { current: `wrong-${i}-password`, next }, headers: from(ip()) })));
    expect(statuses(answers)).to.deep.equal([...Array(LIMIT).fill(403), ...Array(BURST - LIMIT).fill(429)]);
    expectRefusals(answers);
    const right = await admin('POST', '/api/admin/password', { body: { current: creds.password, next }, headers: from(ip()) });
    expect(right.status).to.equal(429);
    expect((await admin('GET', '/api/admin/session')).status, 'the session lives on: nothing was changed').to.equal(200);
    const audited = await outcomes(creds.email, 'admin.password_change', BURST + 1);
    expect(audited.filter((o) => o === 'failure')).to.have.length(LIMIT);
    expect(audited.filter((o) => o === 'denied')).to.have.length(BURST - LIMIT + 1);
  });

  it('password change shares the per-IP count with logins, in parallel too', async () => {
    const addr = ip();
    const spent = 3;
    for (let i = 0; i < spent; i++) {
      expect((await login({ email: `nobody-${randomBytes(3).toString('hex')}@example.test`, password: 'wrong-password-here' }, addr)).status).to.equal(401);
    }
    const creds = await createTestAdmin(pulse);
    const admin = await adminSession(pulse, creds);
    const next = `next-${randomBytes(9).toString('base64url')}`;
    const answers = await Promise.all(Array.from({ length: BURST }, (_, i) =>
      admin('POST', '/api/admin/password', { body: { current: `wrong-${i}-password`, next }, headers: from(addr) })));
    expect(statuses(answers)).to.deep.equal([...Array(LIMIT - spent).fill(403), ...Array(BURST - LIMIT + spent).fill(429)]);
    expectRefusals(answers);
  });

  // (Attempts in flight count until they are checked: more than the limit at once is refused even when right.)
  it('a right password gives its attempt back: one login after another from one address locks nobody out', async () => {
    const addr = ip();
    const creds = await createTestAdmin(pulse);
    const answers: number[] = [];
    for (let i = 0; i < 2 * LIMIT; i++) answers.push((await login(creds, addr)).status);
    expect(answers).to.deep.equal(Array(2 * LIMIT).fill(200));
    expect((await login({ email: creds.email, password: 'wrong-password-here' }, addr)).status).to.equal(401);
  });
});
