import { expect } from 'chai';
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import { randomUUID } from 'node:crypto';
import { httpCheck } from '../../producers/checks/http.js';
import { runCheck, type ScheduledIntegration } from '../../producers/runCheck.js';
import { startHttpTarget, type HttpTarget } from '../../simulator/httpTarget.js';
import { refusedPort } from '../support/refusedPort.js';
import { openTo } from '../support/egress.js';

const endpoints = { googleApis: 'http://127.0.0.1:1', slackApi: 'http://127.0.0.1:1' };
// A deadline far beyond any answer (success paths must not hinge on the machine's speed);
// the timeout test sets a short one of its own. `reach`: the local targets the test opens.
const env = (reach: string[], timeoutMs = 30_000) => ({ timeoutMs, endpoints, network: openTo(reach), now: Date.now, monotonic: () => performance.now(), newId: randomUUID });

function integration(config: Record<string, unknown>): ScheduledIntegration {
  return { integrationId: 'i', userId: 'u', provider: 'http', config, checkIntervalSeconds: 60 };
}

/** A raw TCP server answering each connection with `reply` (or never, if it is null). */
async function rawServer(reply: string | null): Promise<{ url: string; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((sock) => {
    sockets.add(sock);
    sock.on('error', () => undefined);
    if (reply !== null) sock.end(reply);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}/`,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise((r) => server.close(r));
    },
  };
}

describe('HTTP check (over real HTTP)', () => {
  let target: HttpTarget;
  before(async () => { target = await startHttpTarget(); });
  after(async () => target.close());

  it('succeeds on the expected status and records timed steps', async () => {
    const e = await runCheck(integration({ url: `${target.url}/ok`, bodyContains: 'operational' }), httpCheck, 'manual', env([target.url]));
    expect(e).to.include({ outcome: 'succeeded', httpStatus: 200, trigger: 'manual', error: null });
    expect(e.steps.map((s) => s.name)).to.deep.equal(['request', 'status', 'body_match']);
    expect(e.completedAt - e.startedAt).to.equal(e.durationMs);
  });

  it('reports an unexpected status as a server error with the status code', async () => {
    target.set('broken', { status: 503 });
    const e = await runCheck(integration({ url: `${target.url}/broken` }), httpCheck, 'scheduled', env([target.url]));
    expect(e).to.include({ outcome: 'failed', httpStatus: 503 });
    expect(e.error).to.include({ code: 'server_error' });
  });

  it('reads Retry-After from a 429', async () => {
    const server = await rawServer('HTTP/1.1 429 Too Many Requests\r\nRetry-After: 17\r\nContent-Length: 0\r\n\r\n');
    const e = await runCheck(integration({ url: server.url }), httpCheck, 'scheduled', env([server.url])).finally(() => server.close());
    expect(e.error).to.deep.equal({ code: 'rate_limited', message: 'HTTP 429, expected 200', retryAfterSeconds: 17 });
  });

  it('times out at the configured limit', async () => {
    const silent = await rawServer(null); // accepts the connection, never answers
    const e = await runCheck(integration({ url: silent.url }), httpCheck, 'scheduled', env([silent.url], 300)).finally(() => silent.close());
    expect(e).to.include({ outcome: 'failed', httpStatus: null });
    expect(e.error).to.deep.equal({ code: 'timeout', message: 'no result within 300 ms', retryAfterSeconds: null });
    // The deadline's timer cannot fire before 300 ms (libuv counts whole milliseconds).
    expect(e.durationMs).to.be.at.least(299);
  });

  it('tells a refused connection apart', async () => {
    const refused = await refusedPort();
    const e = await runCheck(integration({ url: `${refused.url}/` }), httpCheck, 'scheduled', env([refused.url])).finally(() => refused.close());
    expect(e.error?.code).to.equal('connection_refused');
  });

  it('notices when the expected text is missing, without copying the body into the event', async () => {
    target.set('page', { body: 'maintenance mode: private-data-123' });
    const e = await runCheck(integration({ url: `${target.url}/page`, bodyContains: 'operational' }), httpCheck, 'scheduled', env([target.url]));
    expect(e.error?.code).to.equal('body_mismatch');
    expect(JSON.stringify(e)).not.to.contain('private-data-123');
  });

  it('refuses settings that would carry credentials', () => {
    const bad = [
      { url: 'https://user:pass@example.com/' },
      { url: 'https://example.com/', headers: { Authorization: 'Bearer abc' } },
      { url: 'ftp://example.com/' },
    ];
    for (const config of bad) expect(httpCheck.configSchema.safeParse(config).success, JSON.stringify(config)).to.equal(false);
  });

  it('reports invalid settings as a failed check, not a crash', async () => {
    const e = await runCheck(integration({ url: 'not a url' }), httpCheck, 'scheduled', env([]));
    expect(e.error?.code).to.equal('invalid_config');
  });
});
