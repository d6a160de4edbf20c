// Webhook delivery against real local receivers: signatures a receiver can verify, retries,
// Retry-After, 410, redirects, timeouts, and results that never echo what the receiver said.
import { expect } from 'chai';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { deliverWebhook, newWebhookSecret, verifyWebhook, type WebhookDeliveryOptions } from '../../../alerting/delivery/index.js';
import { refusedPort } from '../../support/refusedPort.js';

interface Received {
  headers: http.IncomingHttpHeaders;
  body: string;
  url: string;
}

type Answer = (res: http.ServerResponse, received: Received) => void;

/** A receiver on 127.0.0.1 answering its n-th request with answers[n] (the last one repeats). */
async function receiver(...answers: Answer[]) {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      const r = { headers: req.headers, body, url: req.url ?? '' };
      received.push(r);
      const answer = answers[Math.min(received.length, answers.length) - 1];
      answer?.(res, r);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/pulse?token=query-secret`,
    received,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

const status = (code: number, headers: http.OutgoingHttpHeaders = {}, body = ''): Answer => (res) => res.writeHead(code, headers).end(body);

describe('webhook delivery', () => {
  const secret = newWebhookSecret();
  const message = { id: 'a1:raised', body: { type: 'pulse.alerts', alerts: [{ summary: 'Gmail failure rate 45 %' }] } };
  const slept: number[] = [];
  let clock = 0;
  const options = (over: Partial<WebhookDeliveryOptions> = {}): WebhookDeliveryOptions => ({
    // A deadline far beyond any local answer; the timeout tests set a short one of their own.
    timeoutMs: 30_000, maxAttempts: 5, retryBaseMs: 1000, allowPrivate: ['127.0.0.1'],
    now: () => clock, random: () => 0, sleep: async (ms) => { slept.push(ms); clock += ms; },
    ...over,
  });
  let target: Awaited<ReturnType<typeof receiver>> | null = null;

  beforeEach(() => {
    slept.length = 0;
    clock = Date.parse('2025-03-01T12:00:00Z');
  });
  afterEach(async () => {
    await target?.close();
    target = null;
  });

  it('posts a JSON body the receiver can verify with the shared secret', async () => {
    target = await receiver(status(204));
    const result = await deliverWebhook({ url: target.url, secret }, message, options());
    expect(result).to.deep.equal({ outcome: 'sent', status: 204, attempts: 1 });
    const [got] = target.received;
    expect(got?.url).to.equal('/hooks/pulse?token=query-secret');
    expect(got?.headers['content-type']).to.equal('application/json');
    expect(JSON.parse(got?.body ?? '')).to.deep.equal(message.body);
    expect(verifyWebhook(got?.headers ?? {}, got?.body ?? '', secret, { now: () => clock })).to.deep.equal({ ok: true });
    expect(verifyWebhook(got?.headers ?? {}, got?.body ?? '', newWebhookSecret(), { now: () => clock }).ok).to.equal(false);
  });

  it('retries 500s and succeeds, with the same webhook-id and a fresh signature per attempt', async () => {
    target = await receiver(status(500), status(500), status(200));
    const result = await deliverWebhook({ url: target.url, secret }, message, options({ random: () => 0.5, retryBaseMs: 2000 }));
    expect(result).to.deep.equal({ outcome: 'sent', status: 200, attempts: 3 });
    expect(slept).to.deep.equal([1000, 2000]);
    const ids = target.received.map((r) => r.headers['webhook-id']);
    expect(ids).to.deep.equal(['a1:raised', 'a1:raised', 'a1:raised']);
    const stamps = target.received.map((r) => Number(r.headers['webhook-timestamp']));
    expect(new Set(target.received.map((r) => r.headers['webhook-signature'])).size).to.equal(3);
    expect(stamps.map((s) => s - stamps[0]!)).to.deep.equal([0, 1, 3]);
    for (const [i, r] of target.received.entries()) {
      expect(verifyWebhook(r.headers, r.body, secret, { now: () => stamps[i]! * 1000 }).ok).to.equal(true);
    }
  });

  it('retries 408 and network errors, and gives up after maxAttempts', async () => {
    target = await receiver(status(408), status(200));
    expect(await deliverWebhook({ url: target.url, secret }, message, options())).to.include({ outcome: 'sent', attempts: 2 });

    const nobody = await refusedPort();
    try {
      const refused = await deliverWebhook({ url: `${nobody.url}/hook`, secret }, message, options({ maxAttempts: 3 }));
      expect(refused).to.deep.equal({ outcome: 'failed', reason: 'connection refused', status: null, attempts: 3, disable: false });
      expect(slept).to.have.length(1 + 2); // after the 408, and between the three refused attempts
    } finally {
      await nobody.close();
    }
  });

  it('honours Retry-After on 429, in seconds or as an HTTP date', async () => {
    target = await receiver(status(429, { 'retry-after': '7' }), status(429, { 'retry-after': new Date(clock + 60_000).toUTCString() }), status(200));
    const result = await deliverWebhook({ url: target.url, secret }, message, options());
    expect(result).to.deep.equal({ outcome: 'sent', status: 200, attempts: 3 });
    // The second date was written before the first wait of 7 s.
    expect(slept).to.deep.equal([7000, 53_000]);
  });

  it('caps a long Retry-After', async () => {
    target = await receiver(status(429, { 'retry-after': '86400' }), status(200));
    await deliverWebhook({ url: target.url, secret }, message, options({ retryCapMs: 30_000 }));
    expect(slept).to.deep.equal([30_000]);
  });

  it('stops at once on 410 and says to disable the webhook', async () => {
    target = await receiver(status(410));
    const result = await deliverWebhook({ url: target.url, secret }, message, options());
    expect(result).to.deep.equal({ outcome: 'failed', reason: 'HTTP 410: the receiver asked to stop deliveries', status: 410, attempts: 1, disable: true });
    expect(target.received).to.have.length(1);
  });

  it('does not retry other 4xx', async () => {
    target = await receiver(status(400, {}, 'bad'), status(200));
    const result = await deliverWebhook({ url: target.url, secret }, message, options());
    expect(result).to.deep.equal({ outcome: 'failed', reason: 'HTTP 400', status: 400, attempts: 1, disable: false });
  });

  it('treats a redirect as a failure and does not follow it', async () => {
    const elsewhere = await receiver(status(200));
    try {
      target = await receiver(status(307, { location: elsewhere.url }));
      const result = await deliverWebhook({ url: target.url, secret }, message, options());
      expect(result).to.deep.equal({ outcome: 'failed', reason: 'HTTP 307: redirects are not followed', status: 307, attempts: 1, disable: false });
      expect(elsewhere.received).to.have.length(0);
    } finally {
      await elsewhere.close();
    }
  });

  it('gives up on a receiver that never answers after timeoutMs', async () => {
    target = await receiver(() => {}); // reads the request, never answers
    const result = await deliverWebhook({ url: target.url, secret }, message, options({ timeoutMs: 200, maxAttempts: 2 }));
    expect(result).to.deep.equal({ outcome: 'failed', reason: 'timed out', status: null, attempts: 2, disable: false });
    expect(target.received).to.have.length(2); // each attempt reached it and waited in vain
  });

  it('counts a DNS lookup that never answers against the timeout', async () => {
    const result = await deliverWebhook({ url: 'http://hangs.example/', secret }, message, options({ timeoutMs: 200, maxAttempts: 1, resolver: () => new Promise(() => {}) }));
    expect(result).to.deep.equal({ outcome: 'failed', reason: 'timed out', status: null, attempts: 1, disable: false });
  });

  it('times out a receiver that answers the status but never finishes the body, keeping the status', async () => {
    target = await receiver((res) => { res.writeHead(200); res.write('partial'); });
    const result = await deliverWebhook({ url: target.url, secret }, message, options({ timeoutMs: 200 }));
    expect(result).to.deep.equal({ outcome: 'sent', status: 200, attempts: 1 });
  });

  it('keeps the receiver’s body, the query string and the secret out of the result', async () => {
    const loud = 'RECEIVER-SAYS: stack trace with password=hunter2';
    for (const code of [500, 404, 302]) {
      target = await receiver(status(code, { location: 'http://127.0.0.1:1/' }, loud));
      const result = await deliverWebhook({ url: target.url, secret }, message, options({ maxAttempts: 2 }));
      const json = JSON.stringify(result);
      expect(result.outcome).to.equal('failed');
      expect(json).to.not.contain('RECEIVER-SAYS').and.not.contain('hunter2').and.not.contain('query-secret').and.not.contain(secret.slice(6));
      await target.close();
      target = null;
    }
  });

  it('discards a large response body without reading all of it', async () => {
    let cut: Promise<boolean> | undefined;
    target = await receiver((res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      const chunk = 'x'.repeat(64 * 1024);
      const pump = () => { while (res.write(chunk)); };
      res.on('drain', pump);
      cut = new Promise((resolve) => res.once('close', () => resolve(!res.writableFinished)));
      pump();
    });
    // The body never ends and the deadline is far away: the delivery returns because it hung up.
    const result = await deliverWebhook({ url: target.url, secret }, message, options({ timeoutMs: 600_000 }));
    expect(result).to.deep.equal({ outcome: 'sent', status: 200, attempts: 1 });
    expect(await cut, 'the receiver was cut off mid-body').to.equal(true);
  });

  it('fails without a request for a bad URL or secret', async () => {
    expect(await deliverWebhook({ url: 'ftp://127.0.0.1/', secret }, message, options())).to.deep.equal({ outcome: 'failed', reason: 'only http and https URLs are allowed', status: null, attempts: 0, disable: false });
    expect(await deliverWebhook({ url: 'http://u:p@127.0.0.1/', secret }, message, options())).to.include({ reason: 'URLs with credentials are not allowed', attempts: 0 });
    expect(await deliverWebhook({ url: 'http://127.0.0.1/', secret: 'whsec_c2hvcnQ=' }, message, options())).to.include({ reason: 'invalid webhook secret', attempts: 0 });
  });
});
