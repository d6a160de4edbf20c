// The backoff between the attempts of a real delivery (against a local receiver answering 503),
// with an injected random source and a fake sleep that records what it was asked to wait.
// The backoff arithmetic itself is in test/unit/deliveryBackoff.test.ts.
import { expect } from 'chai';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { deliverWebhook, newWebhookSecret } from '../../../alerting/delivery/index.js';

describe('webhook retry timing (over real HTTP)', () => {
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
