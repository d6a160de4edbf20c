import { expect } from 'chai';
import { Writable } from 'node:stream';
import { startHttpTarget, type HttpTarget } from '../../simulator/httpTarget.js';
import { readTopic } from '../support/topicReader.js';
import { eventually, startPulse, type RunningPulse } from '../support/pulse.js';

describe('no secret leaves Pulse (events, logs, API responses)', function () {
  this.timeout(60_000);
  const logs: string[] = [];
  const responses: string[] = [];
  let pulse: RunningPulse;
  let target: HttpTarget;

  before(async () => {
    target = await startHttpTarget();
    pulse = await startPulse({
      logs: { level: 'debug', destination: new Writable({ write(chunk, _enc, done) { logs.push(String(chunk)); done(); } }) },
    });
  });
  after(async () => {
    await pulse?.stop();
    await target?.close();
  });

  it('never shows a bearer token, the signing secret or a credential a user tried to put in settings', async () => {
    const token = pulse.tokenFor('carol');
    const sneaked = ['sk_live_9f8e7d6c5b4a', 'hunter2-password'];
    const call = async (method: string, path: string, body?: unknown, withToken = token) => {
      const res = await pulse.api(method, path, { token: withToken, body });
      responses.push(res.text);
      return res;
    };

    const refused = [
      await call('POST', '/api/integrations', { provider: 'http', displayName: 'x', config: { url: `${target.url}/a`, headers: { Authorization: `Bearer ${sneaked[0]}` } } }),
      await call('POST', '/api/integrations', { provider: 'http', displayName: 'x', config: { url: `http://admin:${sneaked[1]}@127.0.0.1:1/` } }),
    ];
    expect(refused.map((r) => r.status)).to.deep.equal([400, 400]);

    const created = await call('POST', '/api/integrations', { provider: 'http', displayName: 'Ok', config: { url: `${target.url}/ok`, headers: { 'X-Request-Source': 'pulse' } }, checkIntervalSeconds: 1 });
    const id = created.body.id as string;
    await eventually(async () => (await call('GET', `/api/integrations/${id}/health`)).body?.status === 'green', 'green');
    target.set('ok', { status: 401, body: `invalid token ${sneaked[0]}` });
    await eventually(async () => (await call('GET', `/api/integrations/${id}/health`)).body?.status === 'red', 'red');
    await call('GET', `/api/integrations/${id}/health`, undefined, `${token}x`); // a tampered token
    await call('GET', `/api/integrations/${id}/health?access_token=${token}`);

    const events = [
      ...(await readTopic(pulse.rt.config, pulse.rt.topics.lifecycle)),
      ...(await readTopic(pulse.rt.config, pulse.rt.topics.checks)),
    ].map((r) => `${r.key} ${r.value?.toString('latin1')} ${JSON.stringify(r.headers)}`);

    const secrets = [token, pulse.rt.config.auth.jwtSecret, ...sneaked];
    const places = { events: events.join('\n'), logs: logs.join(''), responses: responses.join('\n') };
    expect(places.logs).to.contain('request'); // the logs were captured, so their silence means something
    expect(events.length).to.be.greaterThan(2);
    for (const [where, text] of Object.entries(places)) {
      for (const secret of secrets) expect(text.includes(secret), `a secret appears in ${where}`).to.equal(false);
    }
  });
});
