import { expect } from 'chai';
import { createHash, randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { WebSocket } from 'ws';
import { adminSession, createTestAdmin } from '../support/adminSession.js';
import { ownEnvironment, type OwnEnvironment } from '../support/isolation.js';
import { eventually, startPulse, type RunningPulse } from '../support/pulse.js';

const forged = '203.0.113.7';
const ipKey = (ip: string) => `admin-login-ip:${createHash('sha256').update(ip).digest('hex')}`;

/**
 * Who the API thinks a client is, with a forged X-Forwarded-For on every request: the key
 * the per-IP login limit counts under, the audit log's sourceIp, and the address the
 * WebSocket server logs for an admin socket.
 */
async function observe(env: OwnEnvironment, overrides: Record<string, string>) {
  const logs: string[] = [];
  const pulse: RunningPulse = await startPulse({
    roles: ['projectors', 'api'],
    logs: { level: 'debug', destination: new Writable({ write(chunk, _enc, done) { logs.push(String(chunk)); done(); } }) },
    overrides: { ...env.overrides, ADMIN_LOGIN_FAILURES_PER_IP: '3', ...overrides },
  });
  const xff = { 'x-forwarded-for': forged };
  try {
    const creds = await createTestAdmin(pulse);
    const login = await pulse.api('POST', '/api/admin/session', { body: creds, headers: xff });
    expect(login.status).to.equal(200);
    const admin = await adminSession(pulse, creds);
    const audited = await eventually(async () => {
      const res = await admin('GET', `/api/admin/audit?actor=${encodeURIComponent(creds.email)}&action=admin.login`);
      return res.body.entries.length >= 2 && res.body.entries as { sourceIp: string }[];
    }, 'the logins in the audit log');

    // Failed logins, each from a different forged address.
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await pulse.api('POST', '/api/admin/session', {
        body: { email: `nobody-${randomBytes(3).toString('hex')}@example.test`, password: 'wrong-password-here' },
        headers: { 'x-forwarded-for': `198.51.100.${i + 1}` },
      });
      statuses.push(res.status);
    }
    const keys = (await pulse.rt.db.query(`SELECT key FROM rate_limits WHERE key LIKE 'admin-login-ip:%'`)).rows.map((r) => r.key as string);

    const ws = new WebSocket(`${pulse.apiUrl.replace(/^http/, 'ws')}/api/admin/ws`, { headers: { cookie: admin.cookie, ...xff } });
    await new Promise((resolve, reject) => { ws.once('open', resolve); ws.once('error', reject); });
    const connected = await eventually(async () => logs.join('').split('\n').filter(Boolean).map((l) => JSON.parse(l)).find((l) => l.msg === 'realtime client connected' && l.adminId), 'the connection logged');
    await new Promise<void>((resolve) => { ws.once('close', () => resolve()); ws.close(); });
    return { statuses, keys, auditIps: audited.map((e) => e.sourceIp), socketIp: connected.ip as string };
  } finally {
    await pulse.stop();
  }
}

// Login limits count per address across the whole database: each observation has a database
// (and topics) of its own, so no other suite's logins from 127.0.0.1 count here, and the
// failures made here lock no other suite out.
describe('trust proxy (TRUST_PROXY): whose address counts', function () {
  this.timeout(120_000);
  const envs: OwnEnvironment[] = [];
  const ownEnv = async (label: string) => {
    const env = await ownEnvironment(label);
    envs.push(env);
    return env;
  };
  after(async () => {
    for (const env of envs) await env.drop();
  });

  it('ignores X-Forwarded-For by default: limits, audit and WebSocket logs use the socket address', async () => {
    const seen = await observe(await ownEnv('proxy untrusted'), {});
    expect(seen.auditIps).to.have.length(2);
    for (const ip of [...seen.auditIps, seen.socketIp]) expect(ip).to.match(/^(::ffff:)?127\.0\.0\.1$/);
    // All four failures counted against one key, the real address: the fourth is refused.
    expect(seen.statuses).to.deep.equal([401, 401, 401, 429]);
    expect(seen.keys).to.have.length(1);
    expect(seen.keys).not.to.include(ipKey('198.51.100.1'));
  });

  it('believes X-Forwarded-For from a trusted proxy (TRUST_PROXY=loopback)', async () => {
    const seen = await observe(await ownEnv('proxy trusted'), { TRUST_PROXY: 'loopback' });
    // The login with the forged header is attributed to it; adminSession's own login carried none.
    expect(seen.auditIps).to.include(forged);
    expect(seen.socketIp).to.equal(forged);
    // Four different clients behind the proxy: each has its own count, none is locked out.
    expect(seen.statuses).to.deep.equal([401, 401, 401, 401]);
    expect(seen.keys).to.have.members([1, 2, 3, 4].map((i) => ipKey(`198.51.100.${i}`)));
  });
});
