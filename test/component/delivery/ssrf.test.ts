// Private targets are refused before any connection: a loopback listener counts every TCP
// connection it accepts and must see none, whatever the URL's spelling, the DNS answer or a
// redirect from an allowed receiver.
import { expect } from 'chai';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { deliverWebhook, newWebhookSecret, type Resolver, type WebhookDeliveryOptions } from '../../../alerting/delivery/index.js';
import { loopbackListener } from '../../support/loopbackListener.js';

describe('webhook SSRF protection', () => {
  const secret = newWebhookSecret();
  const message = { id: 'a1:raised', body: { hello: 'world' } };
  const options = (over: Partial<WebhookDeliveryOptions> = {}): WebhookDeliveryOptions => ({
    timeoutMs: 30_000, maxAttempts: 3, retryBaseMs: 1, allowPrivate: [], sleep: async () => {}, ...over,
  });
  let loop: Awaited<ReturnType<typeof loopbackListener>>;

  beforeEach(async () => {
    loop = await loopbackListener();
  });
  afterEach(async () => {
    await loop.close();
  });

  it('reaches the loopback listener only when it is allow-listed (the counter works)', async () => {
    const result = await deliverWebhook({ url: `http://127.0.0.1:${loop.port}/`, secret }, message, options({ allowPrivate: ['127.0.0.1'] }));
    expect(result).to.deep.equal({ outcome: 'sent', status: 200, attempts: 1 });
    expect(loop.connections()).to.equal(1);
  });

  const refusals: [string, (port: number) => string, RegExp][] = [
    ['an IPv4 loopback literal', (p) => `http://127.0.0.1:${p}/hook`, /^address not allowed: loopback$/],
    ['an IPv6 loopback literal', (p) => `http://[::1]:${p}/hook`, /^address not allowed: loopback$/],
    ['an IPv4-mapped loopback literal', (p) => `http://[::ffff:127.0.0.1]:${p}/hook`, /^address not allowed: loopback$/],
    ['a decimal IPv4 loopback', (p) => `http://2130706433:${p}/hook`, /^address not allowed: loopback$/],
    ['an octal IPv4 loopback', (p) => `http://0177.0.0.1:${p}/hook`, /^address not allowed: loopback$/],
    ['a hex IPv4 loopback', (p) => `http://0x7f.1:${p}/hook`, /^address not allowed: loopback$/],
    ['0.0.0.0, which Linux routes to this host', (p) => `http://0.0.0.0:${p}/hook`, /^address not allowed: unspecified$/],
    ['localhost, a name resolving to loopback', (p) => `http://localhost:${p}/hook`, /^address not allowed: loopback$/],
    ['the cloud metadata service', () => 'http://169.254.169.254/latest/meta-data/', /^address not allowed: link-local$/],
  ];
  for (const [what, url, reason] of refusals) {
    it(`refuses ${what} without connecting or retrying`, async () => {
      const slept: number[] = [];
      const result = await deliverWebhook({ url: url(loop.port), secret }, message, options({ sleep: async (ms) => { slept.push(ms); } }));
      expect(result.outcome).to.equal('failed');
      if (result.outcome !== 'failed') return;
      expect(result.reason).to.match(reason);
      expect(result).to.include({ status: null, attempts: 1, disable: false });
      expect(loop.connections()).to.equal(0);
      expect(slept, 'no backoff: a refused address is final').to.deep.equal([]);
    });
  }

  it('checks the address it connects to, so DNS rebinding never reaches loopback', async () => {
    // The name answers a public address first, loopback afterwards. A check that resolved on its
    // own and let the connection resolve again would pass the first answer and connect to the second.
    const answers = ['203.0.113.7', '127.0.0.1'];
    let calls = 0;
    const resolver: Resolver = async () => [{ address: answers[Math.min(calls++, answers.length - 1)]!, family: 4 }];
    const url = `http://rebind.example:${loop.port}/`;
    // Wherever the public address leads in this environment (nowhere, or a proxy), it is not here.
    await deliverWebhook({ url, secret }, message, options({ resolver, timeoutMs: 300, maxAttempts: 1 }));
    expect(calls).to.equal(1);
    const second = await deliverWebhook({ url, secret }, message, options({ resolver, timeoutMs: 300, maxAttempts: 1 }));
    expect(second).to.deep.equal({ outcome: 'failed', reason: 'address not allowed: loopback', status: null, attempts: 1, disable: false });
    expect(calls).to.equal(2);
    expect(loop.connections()).to.equal(0);
  });

  it('refuses a DNS answer that mixes public and private addresses', async () => {
    const resolver: Resolver = async () => [{ address: '8.8.8.8', family: 4 }, { address: '::1', family: 6 }];
    const result = await deliverWebhook({ url: `http://mixed.example:${loop.port}/`, secret }, message, options({ resolver }));
    expect(result).to.include({ outcome: 'failed', reason: 'address not allowed: loopback', attempts: 1 });
    expect(loop.connections()).to.equal(0);
  });

  it('refuses the mapped form a resolver may answer with', async () => {
    const resolver: Resolver = async () => [{ address: '::ffff:127.0.0.1', family: 6 }];
    const result = await deliverWebhook({ url: `http://mapped.example:${loop.port}/`, secret }, message, options({ resolver }));
    expect(result).to.include({ outcome: 'failed', reason: 'address not allowed: loopback' });
    expect(loop.connections()).to.equal(0);
  });

  it('does not follow a redirect from an allow-listed receiver to loopback', async () => {
    let redirects = 0;
    const allowed = http.createServer((req, res) => {
      redirects++;
      req.resume();
      res.writeHead(302, { location: `http://127.0.0.1:${loop.port}/internal` }).end();
    });
    await new Promise<void>((resolve) => allowed.listen(0, '127.0.0.1', resolve));
    try {
      // Allow-listed by name: hooks.internal resolves to a private address the operator trusts.
      const resolver: Resolver = async (host) => (host === 'hooks.internal' ? [{ address: '127.0.0.1', family: 4 }] : []);
      const url = `http://hooks.internal:${(allowed.address() as AddressInfo).port}/hook`;
      const result = await deliverWebhook({ url, secret }, message, options({ resolver, allowPrivate: ['hooks.internal'] }));
      expect(result).to.deep.equal({ outcome: 'failed', reason: 'HTTP 302: redirects are not followed', status: 302, attempts: 1, disable: false });
      expect(redirects).to.equal(1);
      expect(loop.connections()).to.equal(0);
    } finally {
      allowed.closeAllConnections();
      await new Promise((resolve) => allowed.close(resolve));
    }
  });
});
