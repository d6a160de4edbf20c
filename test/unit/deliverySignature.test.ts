import { expect } from 'chai';
import { newWebhookSecret, signWebhook, verifyWebhook, webhookHeaders } from '../../alerting/delivery/index.js';

describe('webhook signing (Standard Webhooks)', () => {
  // The test vector of the Standard Webhooks reference libraries (standard-webhooks/libraries):
  // HMAC-SHA256 over `${id}.${timestamp}.${body}`, keyed by base64-decode('MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw').
  const vector = {
    id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
    timestamp: 1614265330,
    body: '{"test": 2432232314}',
    secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  };

  it('matches the spec’s known signature', () => {
    expect(signWebhook(vector)).to.equal('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
  });

  it('makes secrets of 32 random bytes, never the same twice', () => {
    const a = newWebhookSecret();
    expect(a).to.match(/^whsec_[A-Za-z0-9+/]+=*$/);
    expect(Buffer.from(a.slice('whsec_'.length), 'base64')).to.have.length(32);
    expect(newWebhookSecret()).to.not.equal(a);
  });

  it('refuses to sign with a key shorter than 24 bytes', () => {
    expect(() => signWebhook({ ...vector, secret: `whsec_${Buffer.alloc(16, 1).toString('base64')}` })).to.throw(/24/);
    expect(() => signWebhook({ ...vector, secret: 'whsec_not base64!' })).to.throw(/base64/);
  });

  it('sends id, timestamp, signature and content type', () => {
    const h = webhookHeaders(vector);
    expect(h).to.deep.equal({
      'content-type': 'application/json',
      'webhook-id': vector.id,
      'webhook-timestamp': '1614265330',
      'webhook-signature': 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
    });
  });

  describe('verifyWebhook', () => {
    const at = (seconds: number) => () => seconds * 1000;
    const headers = webhookHeaders(vector);
    const now = at(vector.timestamp + 10);

    it('accepts the genuine request, whatever the header spelling or container', () => {
      expect(verifyWebhook(headers, vector.body, vector.secret, { now })).to.deep.equal({ ok: true });
      const shouted = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toUpperCase(), v]));
      expect(verifyWebhook(shouted, vector.body, vector.secret, { now }).ok).to.equal(true);
      expect(verifyWebhook(new Headers(headers), vector.body, vector.secret, { now }).ok).to.equal(true);
    });

    it('accepts when any of several signatures matches (secret rotation)', () => {
      const rotated = { ...headers, 'webhook-signature': `v1,${Buffer.alloc(32).toString('base64')} v1a,xyz ${headers['webhook-signature']}` };
      expect(verifyWebhook(rotated, vector.body, vector.secret, { now }).ok).to.equal(true);
    });

    it('rejects a tampered body, a wrong secret and a forged id', () => {
      expect(verifyWebhook(headers, '{"test": 2432232315}', vector.secret, { now })).to.deep.equal({ ok: false, reason: 'bad signature' });
      expect(verifyWebhook(headers, vector.body, newWebhookSecret(), { now })).to.deep.equal({ ok: false, reason: 'bad signature' });
      expect(verifyWebhook({ ...headers, 'webhook-id': 'msg_other' }, vector.body, vector.secret, { now }).ok).to.equal(false);
    });

    it('rejects a timestamp outside the tolerance, in the past or the future', () => {
      expect(verifyWebhook(headers, vector.body, vector.secret, { now: at(vector.timestamp + 301) })).to.deep.equal({ ok: false, reason: 'stale timestamp' });
      expect(verifyWebhook(headers, vector.body, vector.secret, { now: at(vector.timestamp - 301) }).ok).to.equal(false);
      expect(verifyWebhook(headers, vector.body, vector.secret, { now: at(vector.timestamp + 301), toleranceSeconds: 600 }).ok).to.equal(true);
    });

    it('rejects a missing signature or a signature of another version', () => {
      const { 'webhook-signature': _, ...unsigned } = headers;
      expect(verifyWebhook(unsigned, vector.body, vector.secret, { now })).to.deep.equal({ ok: false, reason: 'missing headers' });
      const v2 = { ...headers, 'webhook-signature': headers['webhook-signature']!.replace('v1,', 'v2,') };
      expect(verifyWebhook(v2, vector.body, vector.secret, { now }).ok).to.equal(false);
    });
  });
});
