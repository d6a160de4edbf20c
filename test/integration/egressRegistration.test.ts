// Registering a check target the egress policy forbids, through the real API: 400 naming
// config.url for every spelling (POST and PATCH), exactly the opened host:port accepted, and a
// target the worker may not reach failing its check with target_not_allowed and advice.
import { expect } from 'chai';
import { startHttpTarget, type HttpTarget } from '../../simulator/httpTarget.js';
import { ownEnvironment, type OwnEnvironment } from '../support/isolation.js';
import { eventually, startPulse, type RunningPulse } from '../support/pulse.js';

describe('egress policy at registration', function () {
  this.timeout(120_000);
  let env: OwnEnvironment;
  let target: HttpTarget;
  let api: RunningPulse;
  let token: string;

  before(async () => {
    env = await ownEnvironment('egress registration');
    target = await startHttpTarget();
    // The API opens the target; the worker (started in the last test) does not.
    api = await startPulse({ roles: ['projectors', 'api'], overrides: env.overrides, reach: [target.url] });
    token = api.tokenFor('egress-user');
  });
  after(async () => {
    await api?.stop();
    await target?.close();
    await env?.drop();
  });

  const connect = (provider: string, url: string) =>
    api.api('POST', '/api/integrations', { token, body: { provider, displayName: `to ${url}`, config: { url }, checkIntervalSeconds: 3600 } });

  const expectRefused = (res: Awaited<ReturnType<RunningPulse['api']>>, what: string) => {
    expect(res.status, `${what}: ${res.text}`).to.equal(400);
    expect(res.body.error.code, what).to.equal('validation_failed');
    expect(res.body.error.fields, what).to.have.keys('config.url');
    expect(res.body.error.fields['config.url'], what).to.match(/^not allowed: .*EGRESS_ALLOW$/);
  };

  const port = () => Number(new URL(target.url).port);
  /** A port next to the opened one: the same address there is not opened. */
  const closedPort = () => (port() === 65535 ? 65534 : port() + 1);
  const spellings = () => [
    `http://127.0.0.1:${closedPort()}/`, `http://127.1:${closedPort()}/`, `http://2130706433:${closedPort()}/`, `http://0x7f000001:${closedPort()}/`,
    `http://0177.0.0.1:${closedPort()}/`, `http://[::1]:${port()}/`, `http://[::ffff:127.0.0.1]/`, `http://[::ffff:7f00:1]:${closedPort()}/`,
    'http://[64:ff9b::7f00:1]/', 'http://[2002:7f00:1::]/', 'http://0.0.0.0/', `http://localhost:${closedPort()}/`,
    'http://169.254.169.254/latest/meta-data/', 'http://10.0.0.1:5432/', 'http://192.168.1.1/', 'http://100.64.0.1/',
    'http://[fc00::1]/', 'http://[fe80::1]/', 'https://127.0.0.1:5432/',
  ];

  it('answers 400 on config.url for every spelling of a disallowed address, for http and mcp, with one message', async () => {
    const messages = new Set<string>();
    for (const url of spellings()) {
      for (const provider of ['http', 'mcp']) {
        const res = await connect(provider, provider === 'mcp' ? `${url}mcp` : url);
        expectRefused(res, `${provider} ${url}`);
        messages.add(res.body.error.fields['config.url']);
      }
    }
    expect([...messages]).to.have.length(1);
  });

  it('accepts exactly the opened host:port: another port on the same address is refused', async () => {
    expect((await connect('http', `${target.url}/opened`)).status).to.equal(202);
    expectRefused(await connect('http', `http://127.0.0.1:${closedPort()}/`), 'another port');
  });

  it('refuses a PATCH that points an integration at a disallowed address; an opened one is accepted', async () => {
    const created = await connect('http', `${target.url}/patched`);
    expect(created.status).to.equal(202);
    const id = created.body.id as string;
    await eventually(async () => (await api.api('GET', `/api/integrations/${id}/health`, { token })).status === 200, 'the integration in the read model');
    for (const url of ['http://169.254.169.254/', 'http://localhost/', 'http://[::ffff:7f00:1]/']) {
      expectRefused(await api.api('PATCH', `/api/integrations/${id}`, { token, body: { config: { url } } }), `PATCH ${url}`);
    }
    const ok = await api.api('PATCH', `/api/integrations/${id}`, { token, body: { config: { url: `${target.url}/patched-again` } } });
    expect(ok.status, ok.text).to.equal(202);
  });

  it('fails the check of a target the worker may not reach with target_not_allowed, without connecting', async () => {
    const created = await connect('http', `${target.url}/unreachable`);
    expect(created.status).to.equal(202);
    const id = created.body.id as string;
    const worker = await startPulse({ roles: ['worker'], overrides: env.overrides });
    try {
      const health = await eventually(async () => {
        const res = await api.api('GET', `/api/integrations/${id}/health`, { token });
        return res.body?.error?.code === 'target_not_allowed' ? res.body : undefined;
      }, 'a refused check', 90_000);
      expect(health.error.message).to.equal('Pulse may not connect to this address: it is not a public address.');
      expect(health.error.resolution).to.contain('EGRESS_ALLOW');
      expect(health.error.docsUrl).to.match(/troubleshooting\.md#target_not_allowed$/);
      expect(target.hits('unreachable')).to.equal(0);
    } finally {
      await worker.stop();
    }
  });
});
