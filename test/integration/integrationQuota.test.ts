import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { eventually, startPulse, type ApiResponse, type RunningPulse } from '../support/pulse.js';
import { caughtUp } from '../support/signals.js';

const QUOTA = 3;
const message = `you have ${QUOTA} integrations, the most allowed; disconnect one to add another`;

// The quota as an attacker would try it: many connects at once, spread over two API instances,
// while the `integrations` projection (which the API does not write) has not seen any of them.
describe('integrations per user (MAX_INTEGRATIONS_PER_USER) across two API instances', function () {
  this.timeout(120_000);
  let a: RunningPulse;
  let b: RunningPulse;
  const overrides = { MAX_INTEGRATIONS_PER_USER: String(QUOTA), EGRESS_ALLOW: '127.0.0.1:9' };
  const userToken = () => a.tokenFor(`quota-user-${randomBytes(3).toString('hex')}`);
  const connect = (via: RunningPulse, token: string, name = `quota-${randomBytes(3).toString('hex')}`) =>
    via.api('POST', '/api/integrations', { token, body: { provider: 'http', displayName: name, config: { url: `http://127.0.0.1:9/${name}` }, checkIntervalSeconds: 3600 } });
  const expectQuotaExceeded = (res: ApiResponse) => {
    expect(res.status, res.text).to.equal(409);
    expect(res.body).to.deep.equal({ error: { code: 'quota_exceeded', message } });
  };
  /** The user's active integrations once the projection has read everything on the lifecycle topic. */
  const projected = async (userId: string) => {
    await caughtUp(a.rt, { projection: 'integrations' }, [a.rt.topics.lifecycle]);
    const { rows } = await a.rt.db.query(`SELECT integration_id FROM integrations WHERE user_id = $1 AND state = 'active'`, [userId]);
    return rows.map((r) => r.integration_id as string).sort();
  };
  const userOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()).sub as string;

  before(async () => {
    a = await startPulse({ roles: ['projectors', 'api'], overrides });
    b = await startPulse({ roles: ['api'], overrides });
  });
  after(async () => {
    await b?.stop();
    await a?.stop();
  });

  it(`accepts exactly ${QUOTA} of ${4 * QUOTA} parallel connects through both instances; the rest get 409 and record nothing`, async () => {
    const token = userToken();
    const answers = await Promise.all(Array.from({ length: 4 * QUOTA }, (_, i) => connect(i % 2 ? b : a, token)));
    const accepted = answers.filter((r) => r.status === 202);
    expect(accepted, `statuses ${answers.map((r) => r.status)}`).to.have.length(QUOTA);
    for (const res of answers.filter((r) => r.status !== 202)) expectQuotaExceeded(res);
    // Everything produced is projected: exactly the accepted ones exist.
    expect(await projected(userOf(token))).to.deep.equal(accepted.map((r) => r.body.id as string).sort());
    // An OAuth provider is refused before the consent page, too.
    expectQuotaExceeded(await b.api('POST', '/api/integrations', { token, body: { provider: 'gmail', displayName: 'mail', config: {} } }));
    // Another user is not affected.
    expect((await connect(b, userToken())).status).to.equal(202);
  });

  it('gives the slot back on disconnect: one more fits, then the limit holds again', async () => {
    const token = userToken();
    const ids: string[] = [];
    for (let i = 0; i < QUOTA; i++) ids.push((await connect(i % 2 ? b : a, token)).body.id);
    expectQuotaExceeded(await connect(a, token));
    await eventually(async () => (await b.api('GET', `/api/integrations/${ids[0]}/health`, { token })).status === 200, 'the integration in the read model');
    expect((await b.api('DELETE', `/api/integrations/${ids[0]}`, { token })).status).to.equal(202);
    const again = await Promise.all([connect(a, token), connect(b, token), connect(a, token)]);
    expect(again.map((r) => r.status).sort()).to.deep.equal([202, 409, 409]);
    expect(await projected(userOf(token))).to.deep.equal([...ids.slice(1), again.find((r) => r.status === 202)!.body.id].sort());
  });

  it('reclaims a slot left by a connect that died before producing, but only once it is an hour old', async () => {
    const token = userToken();
    const userId = userOf(token);
    // What a process killed between claiming and producing leaves: slots with no integration.
    const leave = (age: string) => a.rt.db.query(
      `INSERT INTO integration_slots (integration_id, user_id, claimed_at) SELECT gen_random_uuid()::text, $1, now() - $2::interval FROM generate_series(1, $3)`,
      [userId, age, QUOTA],
    );
    await leave('1 minute');
    expectQuotaExceeded(await connect(b, token)); // may still be on its way to Kafka
    await a.rt.db.query('DELETE FROM integration_slots WHERE user_id = $1', [userId]);
    await leave('2 hours');
    const res = await connect(b, token);
    expect(res.status, res.text).to.equal(202);
    const { rows } = await a.rt.db.query('SELECT integration_id FROM integration_slots WHERE user_id = $1', [userId]);
    expect(rows.map((r) => r.integration_id)).to.deep.equal([res.body.id]);
  });
});
