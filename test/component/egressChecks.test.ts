// SSRF through checks, tried as a hostile user would: every spelling of a loopback, private,
// link-local or metadata address, a name that rebinds, a redirect from an allowed target, and
// bodyContains as an oracle. A refused check says target_not_allowed in the same words every
// time, and no connection is made: listeners on loopback count none, and for addresses we
// cannot bind (169.254.x, 10.x…) no client socket is opened at all.
import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import diagnostics from 'node:diagnostics_channel';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { createEgress, judgeTarget, type Resolver } from '../../platform/egress/index.js';
import { httpCheck } from '../../producers/checks/http.js';
import { mcpCheck } from '../../producers/checks/mcp.js';
import type { ProviderCheck } from '../../producers/checks/provider.js';
import { runCheck, type CheckResult } from '../../producers/runCheck.js';
import { loopbackListener, type LoopbackListener } from '../support/loopbackListener.js';
import { refusedPort } from '../support/refusedPort.js';

const refusal = { code: 'target_not_allowed', message: 'this address is not allowed for checks (not a public address)', retryAfterSeconds: null };

/** Every client socket this process opens while `fn` runs (net.connect, hence undici too). */
async function socketsOpenedDuring<T>(fn: () => Promise<T>): Promise<{ value: T; sockets: number }> {
  let sockets = 0;
  const count = () => { sockets++; };
  diagnostics.subscribe('net.client.socket', count);
  try {
    return { value: await fn(), sockets };
  } finally {
    diagnostics.unsubscribe('net.client.socket', count);
  }
}

interface Run { allow?: string[]; resolver?: Resolver; config?: Record<string, unknown> }

function check(provider: ProviderCheck<any>, url: string, { allow = [], resolver, config = {} }: Run = {}): Promise<CheckResult> {
  const egress = createEgress({ allow, resolver });
  const env = {
    timeoutMs: 10_000, endpoints: { googleApis: '', slackApi: '' }, network: { targets: egress, providers: egress },
    now: Date.now, monotonic: () => performance.now(), newId: randomUUID,
  };
  return runCheck({ integrationId: 'i', userId: 'u', provider: provider.provider, config: { url, ...config }, checkIntervalSeconds: 60 }, provider, 'scheduled', env)
    .finally(() => egress.close());
}

/** A resolver that must not be asked (IP literals), or answers `address` and counts. */
function countingResolver(address: string | null): Resolver & { calls: number } {
  const resolver = Object.assign(async () => {
    resolver.calls++;
    if (address === null) throw new Error('an IP literal must not be resolved');
    return [{ address, family: address.includes(':') ? 6 as const : 4 as const }];
  }, { calls: 0 });
  return resolver;
}

describe('egress policy on checks (SSRF)', () => {
  let loop: LoopbackListener;
  beforeEach(async () => { loop = await loopbackListener('internal secret: s3cr3t'); });
  afterEach(async () => loop.close());

  it('reaches a loopback listener only when EGRESS_ALLOW opens its port (the counters work)', async () => {
    const { value: e, sockets } = await socketsOpenedDuring(() => check(httpCheck, `http://127.0.0.1:${loop.port}/`, { allow: [`127.0.0.1:${loop.port}`] }));
    expect(e).to.include({ outcome: 'succeeded', httpStatus: 200 });
    expect(loop.connections()).to.equal(1);
    expect(sockets).to.equal(1);
  });

  // [what, URL for the listener's port, what the resolver answers (null: a literal, never resolved)]
  const targets: [string, (port: number) => string, string | null][] = [
    ['127.0.0.1', (p) => `http://127.0.0.1:${p}/`, null],
    ['127.1', (p) => `http://127.1:${p}/`, null],
    ['2130706433 (decimal)', (p) => `http://2130706433:${p}/`, null],
    ['0x7f000001 (hex)', (p) => `http://0x7f000001:${p}/`, null],
    ['0177.0.0.1 (octal)', (p) => `http://0177.0.0.1:${p}/`, null],
    ['[::1]', (p) => `http://[::1]:${p}/`, null],
    ['[::ffff:127.0.0.1] (IPv4-mapped)', (p) => `http://[::ffff:127.0.0.1]:${p}/`, null],
    ['[::ffff:7f00:1] (IPv4-mapped, hex)', (p) => `http://[::ffff:7f00:1]:${p}/`, null],
    ['[64:ff9b::7f00:1] (NAT64)', (p) => `http://[64:ff9b::7f00:1]:${p}/`, null],
    ['[2002:7f00:1::] (6to4)', (p) => `http://[2002:7f00:1::]:${p}/`, null],
    ['0.0.0.0', (p) => `http://0.0.0.0:${p}/`, null],
    ['localhost', (p) => `http://localhost:${p}/`, '127.0.0.1'],
    ['a public-looking name answering ::1', (p) => `http://status.example.com:${p}/`, '::1'],
    ['169.254.169.254 (cloud metadata)', () => 'http://169.254.169.254/latest/meta-data/', null],
    ['metadata.google.internal', () => 'http://metadata.google.internal/computeMetadata/v1/', '169.254.169.254'],
    ['10.0.0.1', () => 'http://10.0.0.1:5432/', null],
    ['172.16.0.1', () => 'http://172.16.0.1/', null],
    ['192.168.1.1', () => 'http://192.168.1.1/admin', null],
    ['100.64.0.1 (carrier-grade NAT)', () => 'http://100.64.0.1/', null],
    ['[fc00::1] (unique local)', () => 'http://[fc00::1]/', null],
    ['[fe80::1] (link-local)', () => 'http://[fe80::1]/', null],
  ];

  for (const provider of [httpCheck, mcpCheck]) {
    for (const [what, url, answer] of targets) {
      it(`${provider.provider}: refuses ${what} without connecting`, async () => {
        const resolver = countingResolver(answer);
        const { value: e, sockets } = await socketsOpenedDuring(() => check(provider, url(loop.port), { resolver }));
        expect(e.error).to.deep.equal(refusal);
        expect(e).to.include({ outcome: 'failed', httpStatus: null });
        expect(e.steps.map((s) => [s.outcome, s.detail])).to.deep.equal([['failed', refusal.message]]);
        expect(loop.connections()).to.equal(0);
        expect(sockets, 'client sockets opened').to.equal(0);
        expect(resolver.calls).to.equal(answer === null ? 0 : 1);
      });
    }
  }

  it('http: refuses the TLS expiry step too, before any connection', async () => {
    const e = await check(httpCheck, `https://127.0.0.1:${loop.port}/`);
    expect(e.error).to.deep.equal(refusal);
    expect(e.steps.map((s) => s.name)).to.deep.equal(['tls']);
    const named = await check(httpCheck, `https://internal.example:${loop.port}/`, { resolver: countingResolver('10.1.2.3') });
    expect(named.error).to.deep.equal(refusal);
    expect(loop.connections()).to.equal(0);
  });

  it('opens exactly the port EGRESS_ALLOW names: another port on 127.0.0.1 is still refused', async () => {
    const other = await loopbackListener();
    try {
      const allow = [`127.0.0.1:${loop.port}`];
      expect(await check(httpCheck, `http://127.0.0.1:${loop.port}/`, { allow })).to.include({ outcome: 'succeeded' });
      const e = await check(httpCheck, `http://127.0.0.1:${other.port}/`, { allow });
      expect(e.error).to.deep.equal(refusal);
      expect(other.connections()).to.equal(0);
      expect((await check(mcpCheck, `http://[::1]:${loop.port}/mcp`, { allow })).error).to.deep.equal(refusal);
    } finally {
      await other.close();
    }
  });

  it('judges the address it connects to: a name that rebinds to loopback after passing registration is refused', async () => {
    const answers = ['203.0.113.7', '127.0.0.1'];
    let calls = 0;
    const resolver: Resolver = async () => [{ address: answers[Math.min(calls++, answers.length - 1)]!, family: 4 }];
    const url = `http://rebind.example:${loop.port}/`;
    expect(await judgeTarget(url, { policy: createEgress({ allow: [] }).policy, resolver }), 'accepted when saved').to.equal(null);
    for (const provider of [httpCheck, mcpCheck]) {
      const { value: e, sockets } = await socketsOpenedDuring(() => check(provider, url, { resolver }));
      expect(e.error, provider.provider).to.deep.equal(refusal);
      expect(sockets).to.equal(0);
    }
    expect(calls).to.equal(3);
    expect(loop.connections()).to.equal(0);
  });

  it('refuses a DNS answer that mixes public and private addresses', async () => {
    const resolver: Resolver = async () => [{ address: '8.8.8.8', family: 4 }, { address: '127.0.0.1', family: 4 }];
    const { value: e, sockets } = await socketsOpenedDuring(() => check(httpCheck, `http://mixed.example:${loop.port}/`, { resolver }));
    expect(e.error).to.deep.equal(refusal);
    expect(sockets).to.equal(0);
  });

  describe('a redirect from an allowed target to a disallowed one', () => {
    let redirector: http.Server;
    let port: number;
    let hops: number;
    before(async () => {
      redirector = http.createServer((req, res) => {
        hops++;
        req.resume();
        res.writeHead(307, { location: `http://127.0.0.1:${loop.port}/mcp` }).end();
      });
      await new Promise<void>((resolve) => redirector.listen(0, '127.0.0.1', resolve));
      port = (redirector.address() as AddressInfo).port;
    });
    after(async () => {
      redirector.closeAllConnections();
      await new Promise((resolve) => redirector.close(resolve));
    });
    beforeEach(() => { hops = 0; });

    it('http: reports the 3xx and never connects to where it points', async () => {
      const e = await check(httpCheck, `http://127.0.0.1:${port}/`, { allow: [`127.0.0.1:${port}`] });
      expect(e).to.include({ outcome: 'failed', httpStatus: 307 });
      expect(e.error?.code).to.equal('unexpected_status');
      expect(hops).to.equal(1);
      expect(loop.connections()).to.equal(0);
    });

    it('mcp: a redirect to another origin is not followed (the SDK follows same-origin ones only)', async () => {
      const e = await check(mcpCheck, `http://127.0.0.1:${port}/mcp`, { allow: [`127.0.0.1:${port}`] });
      expect(e.error).to.include({ code: 'mcp_protocol_error', message: 'HTTP 307 on initialize' });
      expect(hops).to.be.at.least(1);
      expect(loop.connections()).to.equal(0);
    });
  });

  it('mcp: the hop of a redirect the SDK follows is judged again — a name rebinding between hops is refused', async () => {
    // Same origin (so the SDK follows it) and a new connection for the hop (Connection: close);
    // the name answers 127.0.0.1 (opened) first, then 127.0.0.2, where a counting listener waits
    // on the same port (Linux routes all of 127/8 to loopback).
    let hops = 0;
    const redirector = http.createServer((req, res) => {
      hops++;
      req.resume();
      res.writeHead(307, { location: '/next', connection: 'close' }).end();
    });
    await new Promise<void>((resolve) => redirector.listen(0, '127.0.0.1', resolve));
    const port = (redirector.address() as AddressInfo).port;
    let reached = 0;
    const other = http.createServer((req, res) => { req.resume(); res.end(); });
    other.on('connection', () => reached++);
    await new Promise<void>((resolve, reject) => { other.once('error', reject); other.listen(port, '127.0.0.2', resolve); });
    try {
      const answers = ['127.0.0.1', '127.0.0.2'];
      let calls = 0;
      const resolver: Resolver = async () => [{ address: answers[Math.min(calls++, 1)]!, family: 4 }];
      const e = await check(mcpCheck, `http://mcp.example:${port}/mcp`, { allow: [`127.0.0.1:${port}`], resolver });
      expect(e.error).to.deep.equal(refusal);
      expect(hops).to.equal(1);
      expect(calls).to.equal(2);
      expect(reached).to.equal(0);
    } finally {
      for (const server of [redirector, other]) {
        server.closeAllConnections();
        await new Promise((resolve) => server.close(resolve));
      }
    }
  });

  it('bodyContains is no oracle: an open port serving the text, a closed port and a filtered address all read the same', async () => {
    const closed = await refusedPort();
    try {
      const seen = await Promise.all([
        `http://127.0.0.1:${loop.port}/`, // serves "internal secret: s3cr3t"
        `${closed.url}/`, // nothing listens
        'http://10.255.255.1/', // would time out (filtered)
      ].map((url) => check(httpCheck, url, { config: { bodyContains: 's3cr3t' } })));
      for (const e of seen) {
        expect(e.error).to.deep.equal(refusal);
        expect(e).to.include({ outcome: 'failed', httpStatus: null });
      }
      const shapes = seen.map((e) => e.steps.map(({ name, outcome, detail }) => ({ name, outcome, detail })));
      expect(shapes[1]).to.deep.equal(shapes[0]);
      expect(shapes[2]).to.deep.equal(shapes[0]);
      expect(loop.connections()).to.equal(0);
    } finally {
      await closed.close();
    }
  });
});
