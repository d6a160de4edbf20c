import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { WebSocket } from 'ws';
import { startPulse, type RunningPulse } from '../support/pulse.js';

// Tokens as an attacker (or a careless issuer) would present them: each must be refused with
// the same 401 by the REST API and by the WebSocket, and say nothing about which claim failed.
describe('user tokens: exp required, bounded lifetime, exactly the user audience (REST and /ws)', function () {
  this.timeout(60_000);
  const MAX_HOURS = 2;
  let pulse: RunningPulse;
  let secret: string;
  const now = () => Math.floor(Date.now() / 1000);
  const user = `token-user-${randomBytes(3).toString('hex')}`;
  const sign = (payload: Record<string, unknown>, opts: jwt.SignOptions = {}, key = secret) =>
    jwt.sign({ sub: user, iss: 'pulse', aud: 'pulse-user', ...payload }, key, { algorithm: 'HS256', ...opts });
  const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');

  before(async () => {
    pulse = await startPulse({ roles: ['api'], overrides: { USER_TOKEN_MAX_LIFETIME_HOURS: String(MAX_HOURS) } });
    secret = pulse.rt.config.auth.jwtSecret;
  });
  after(async () => pulse?.stop());

  const rest = (token: string) => pulse.api('GET', '/api/integrations', { token });
  const socket = (token: string) => new Promise<number>((resolve, reject) => {
    const ws = new WebSocket(`${pulse.apiUrl.replace(/^http/, 'ws')}/ws`, ['bearer', token]);
    ws.once('open', () => { ws.close(); resolve(101); });
    ws.once('unexpected-response', (_req, res) => { res.resume(); resolve(res.statusCode ?? 0); });
    ws.once('error', reject);
  });

  const refused: [string, () => string][] = [
    ['no exp', () => sign({ iat: now() })],
    ['exp too far (lifetime over the limit)', () => sign({ iat: now(), exp: now() + (MAX_HOURS + 1) * 3600 })],
    ['exp too far, no iat', () => sign({}, { noTimestamp: true, expiresIn: (MAX_HOURS + 1) * 3600 })],
    ['a 24 h token where the limit is 2 h', () => sign({ iat: now(), exp: now() + 24 * 3600 })],
    ['iat in the future to stretch the lifetime', () => sign({ iat: now() + 3 * 3600, exp: now() + 3 * 3600 + 1800 })],
    ['aud array with an extra audience', () => sign({ aud: ['pulse-user', 'billing'], exp: now() + 600 })],
    ['aud another audience', () => sign({ aud: 'pulse-admin', exp: now() + 600 })],
    ['no aud', () => sign({ aud: undefined, exp: now() + 600 })],
    ['wrong issuer', () => sign({ iss: 'someone-else', exp: now() + 600 })],
    ['alg none', () => `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: user, iss: 'pulse', aud: 'pulse-user', iat: now(), exp: now() + 600 })}.`],
    ['another HMAC algorithm (HS512)', () => sign({ exp: now() + 600 }, { algorithm: 'HS512' })],
    ['signed with another secret', () => sign({ exp: now() + 600 }, {}, randomBytes(32).toString('base64url'))],
    ['expired', () => sign({ iat: now() - 7200, exp: now() - 60 })],
    ['no subject', () => sign({ sub: undefined, exp: now() + 600 })],
  ];

  for (const [what, token] of refused) {
    it(`refuses ${what} with 401 on REST and on /ws`, async () => {
      const t = token();
      const res = await rest(t);
      expect(res.status, res.text).to.equal(401);
      // One answer for every bad token: nothing tells the caller which claim to fix.
      expect(res.body).to.deep.equal({ error: { code: 'unauthenticated', message: 'a valid, unexpired bearer token is required' } });
      expect(res.headers.get('www-authenticate')).to.equal('Bearer');
      expect(await socket(t), 'WebSocket upgrade').to.equal(401);
    });
  }

  it('accepts a token within the limit: aud as a string or a one-element array, with or without iat', async () => {
    const good = [
      sign({ iat: now(), exp: now() + MAX_HOURS * 3600 }),
      sign({ aud: ['pulse-user'], exp: now() + 600 }),
      sign({}, { noTimestamp: true, expiresIn: 3600 }),
    ];
    for (const t of good) {
      expect((await rest(t)).status).to.equal(200);
      expect(await socket(t)).to.equal(101);
    }
  });
});
