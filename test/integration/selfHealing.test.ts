import { expect } from 'chai';
import { Writable } from 'node:stream';
import { decodeAll, readTopic } from '../support/topicReader.js';
import { completeOAuth, connect, simulatorAndSettings, type Simulator } from '../support/simulated.js';
import { eventually, startPulse, type RunningPulse } from '../support/pulse.js';

describe('self-healing and reconnect (OAuth providers, against the simulator)', function () {
  this.timeout(120_000);
  let sim: Simulator;
  let pulse: RunningPulse;
  let token: string;
  const logs: string[] = [];
  const responses: string[] = [];

  before(async () => {
    const s = await simulatorAndSettings();
    sim = s.sim;
    pulse = await startPulse({
      overrides: s.overrides,
      logs: { level: 'debug', destination: new Writable({ write(chunk, _e, done) { logs.push(String(chunk)); done(); } }) },
    });
    token = pulse.tokenFor('healing-user');
  });
  after(async () => {
    await pulse?.stop();
    await sim?.close();
  });

  const health = async (id: string) => {
    const r = await pulse.api('GET', `/api/integrations/${id}/health`, { token });
    responses.push(r.text);
    return r.body;
  };
  const lifecycleOf = async (id: string) =>
    (await decodeAll(pulse.rt.config, (await readTopic(pulse.rt.config, pulse.rt.topics.lifecycle)).filter((r) => r.key === id)))
      .map((e) => Object.keys(e.payload)[0]?.split('.').pop());

  it('refreshes an expired token without the user, and no token shows up anywhere but encrypted', async () => {
    const { id, account } = await connect(pulse, sim, token, 'gmail');
    await eventually(async () => (await health(id))?.status === 'green', 'green');
    const before = { ...sim.account(account)! };

    sim.setFaults(account, { unauthorized: 'expired' });
    await eventually(async () => (await lifecycleOf(id)).includes('CredentialsRefreshed'), 'CredentialsRefreshed on the lifecycle topic');
    const healed = await eventually(async () => { const h = await health(id); return h.status === 'green' && h; }, 'green again');
    expect(healed.reauthRequired).to.equal(false);
    const after = sim.account(account)!;
    expect(after.accessToken).not.to.equal(before.accessToken); // a new token really was issued and used
    // The healed check records the refresh (history is its own projection: it may lag a little).
    await eventually(async () => (await pulse.rt.db.query(`SELECT 1 FROM integration_health_history WHERE integration_id = $1 AND steps::text LIKE '%token_refresh%'`, [id])).rowCount! >= 1, 'the token_refresh step in history');

    // Every token this integration ever had, searched for everywhere Pulse writes.
    const secrets = [before.accessToken, before.refreshToken, after.accessToken, after.refreshToken].filter((t): t is string => Boolean(t));
    const topics = [pulse.rt.topics.lifecycle, pulse.rt.topics.checks];
    const events = (await Promise.all(topics.map((t) => readTopic(pulse.rt.config, t)))).flat().map((r) => `${r.value?.toString('latin1')} ${JSON.stringify(r.headers)}`).join('\n');
    const tables = (await pulse.rt.db.query(`SELECT tablename FROM pg_tables WHERE schemaname = 'public'`)).rows.map((r) => r.tablename as string);
    let dump = '';
    for (const t of tables) dump += (await pulse.rt.db.query(`SELECT row_to_json(x)::text AS j FROM ${t} x`)).rows.map((r) => r.j).join('\n');
    expect(dump).to.contain(id); // the dump did include this integration's rows (credentials among them)
    for (const [where, text] of Object.entries({ events, tables: dump, logs: logs.join(''), responses: responses.join('\n') })) {
      for (const secret of secrets) expect(text.includes(secret), `a token appears in ${where}`).to.equal(false);
    }
  });

  it('ends red with a one-click reconnect link when access is revoked, and is green again after reconnecting', async () => {
    const { id, account } = await connect(pulse, sim, token, 'slack');
    await eventually(async () => (await health(id))?.status === 'green', 'green');

    sim.setFaults(account, { unauthorized: 'revoked' });
    const red = await eventually(async () => { const h = await health(id); return h.status === 'red' && h.reconnectUrl && h; }, 'red with a reconnect link');
    expect(red.error.code).to.equal('token_revoked');
    expect(red.error.steps[0]).to.match(/^Reconnect Slack/);
    expect(red.reauthRequired).to.equal(true);
    expect(red.reconnectUrl).to.match(new RegExp(`^${sim.url}/slack/oauth/v2/authorize\\?`));
    expect(await lifecycleOf(id)).to.include('ReauthRequired');

    const landing = await completeOAuth(pulse, red.reconnectUrl, account);
    expect(landing).to.contain(`/integrations/${id}?reconnected=1`);
    const green = await eventually(async () => { const h = await health(id); return h.status === 'green' && h; }, 'green after reconnecting');
    expect(green).to.include({ reauthRequired: false, reconnectUrl: null });
    expect(await lifecycleOf(id)).to.include('ReauthCompleted');
  });

  it('refuses a forged or expired OAuth state without side effects', async () => {
    const res = await pulse.api('GET', '/api/oauth/callback?code=abc&state=not-a-real-state');
    expect(res.status).to.equal(400);
    expect(res.body.error.code).to.equal('invalid_state');
  });
});
