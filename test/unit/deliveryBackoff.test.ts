import { expect } from 'chai';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { backoffDelayMs, deliverWebhook, newWebhookSecret, parseRetryAfter } from '../../alerting/delivery/index.js';

describe('webhook retry timing', () => {
  const policy = { baseMs: 1000, capMs: 30_000 };

  it('waits a random share of base·2^(attempt-1) (full jitter), up to the cap', () => {
    expect(backoffDelayMs(1, policy, () => 0)).to.equal(0);
    expect(backoffDelayMs(1, policy, () => 0.5)).to.equal(500);
    expect(backoffDelayMs(3, policy, () => 0.5)).to.equal(2000);
    expect(backoffDelayMs(3, policy, () => 0.999999)).to.be.closeTo(4000, 1);
    expect(backoffDelayMs(20, policy, () => 0.999999)).to.be.closeTo(30_000, 1);
  });

  it('never retries sooner than Retry-After, nor waits longer than the cap for it', () => {
    expect(backoffDelayMs(1, policy, () => 0.5, 7000)).to.equal(7000);
    expect(backoffDelayMs(5, policy, () => 0.999999, 7000)).to.be.closeTo(16_000, 1);
    expect(backoffDelayMs(1, policy, () => 0, 3_600_000)).to.equal(30_000);
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = Date.parse('2025-01-01T00:00:00Z');
    expect(parseRetryAfter('7', now)).to.equal(7000);
    expect(parseRetryAfter(' 0 ', now)).to.equal(0);
    expect(parseRetryAfter('Wed, 01 Jan 2025 00:00:42 GMT', now)).to.equal(42_000);
    expect(parseRetryAfter('Tue, 31 Dec 2024 23:00:00 GMT', now)).to.equal(0);
    expect(parseRetryAfter('soon', now)).to.equal(null);
    expect(parseRetryAfter('-5', now)).to.equal(null);
    expect(parseRetryAfter(undefined, now)).to.equal(null);
  });

  it('sleeps the backoff between attempts of a delivery, with the injected random source', async () => {
    let requests = 0;
    const server = http.createServer((req, res) => {
      requests++;
      req.resume();
      res.writeHead(503).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const slept: number[] = [];
      const result = await deliverWebhook(
        { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, secret: newWebhookSecret() },
        { id: 'msg_backoff', body: { hello: 'world' } },
        { timeoutMs: 2000, maxAttempts: 4, retryBaseMs: 100, allowPrivate: ['127.0.0.1'], random: () => 0.5, sleep: async (ms) => { slept.push(ms); } },
      );
      expect(result).to.deep.equal({ outcome: 'failed', reason: 'HTTP 503', status: 503, attempts: 4, disable: false });
      expect(slept).to.deep.equal([50, 100, 200]);
      expect(requests).to.equal(4);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
