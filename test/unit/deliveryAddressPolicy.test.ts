import { expect } from 'chai';
import { addressPolicy, checkWebhookUrl, forbiddenRange } from '../../alerting/delivery/index.js';
import { guardedLookup, type Resolver } from '../../alerting/delivery/safeConnect.js';

describe('webhook address policy', () => {
  const forbidden: [string, string][] = [
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'link-local'],
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['100.64.0.1', 'carrier-grade NAT'],
    ['100.127.255.255', 'carrier-grade NAT'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['240.0.0.1', 'reserved'],
    ['255.255.255.255', 'broadcast'],
    ['::1', 'loopback'],
    ['0:0:0:0:0:0:0:1', 'loopback'],
    ['::', 'unspecified'],
    ['fc00::1', 'private'],
    ['fd12:3456:789a::1', 'private'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['febf:ffff::1', 'link-local'],
    ['ff02::1', 'multicast'],
    // IPv4-mapped: judged by the IPv4 address inside, in every spelling
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['[::ffff:7f00:1]', 'loopback'],
    ['0:0:0:0:0:ffff:127.0.0.1', 'loopback'],
    ['::ffff:10.0.0.1', 'private'],
    ['::ffff:a9fe:a9fe', 'link-local'],
    ['::ffff:0.0.0.0', 'unspecified'],
    // IPv4-compatible, NAT64 and 6to4
    ['::127.0.0.1', 'loopback'],
    ['::7f00:1', 'loopback'],
    ['64:ff9b::127.0.0.1', 'loopback'],
    ['64:ff9b::7f00:1', 'loopback'],
    ['64:ff9b::a9fe:a9fe', 'link-local'],
    ['64:ff9b::c0a8:101', 'private'],
    ['2002:7f00:1::', 'loopback'],
    ['2002:a00:1::1', 'private'],
    ['not-an-ip', 'not an IP address'],
  ];
  for (const [ip, range] of forbidden) {
    it(`refuses ${ip} (${range})`, () => expect(forbiddenRange(ip)).to.equal(range));
  }

  const allowed = ['8.8.8.8', '1.1.1.1', '93.184.216.34', '172.32.0.1', '100.128.0.1', '11.0.0.1', '2606:4700:4700::1111', '2001:4860:4860::8888', '::ffff:8.8.8.8', '64:ff9b::808:808', '2002:808:808::1'];
  for (const ip of allowed) {
    it(`allows the public address ${ip}`, () => expect(forbiddenRange(ip)).to.equal(null));
  }

  describe('allow-list (WEBHOOK_ALLOW_PRIVATE)', () => {
    it('allows a listed IP, in its mapped forms too, and nothing next to it', () => {
      const policy = addressPolicy(['127.0.0.1']);
      expect(policy.forbids('127.0.0.1', '127.0.0.1')).to.equal(null);
      expect(policy.forbids('[::ffff:7f00:1]', '::ffff:7f00:1')).to.equal(null);
      expect(policy.forbids('127.0.0.2', '127.0.0.2')).to.equal('loopback');
      expect(policy.forbids('::1', '::1')).to.equal('loopback');
    });

    it('allows listed CIDRs, IPv4 and IPv6', () => {
      const policy = addressPolicy(['10.0.0.0/8', 'fd00::/8']);
      expect(policy.forbids('h', '10.9.9.9')).to.equal(null);
      expect(policy.forbids('h', 'fd00::5')).to.equal(null);
      expect(policy.forbids('h', 'fc00::5')).to.equal('private');
      expect(policy.forbids('h', '192.168.0.1')).to.equal('private');
    });

    it('allows any address of a listed host name, and only for that name', () => {
      const policy = addressPolicy(['hooks.internal']);
      expect(policy.forbids('hooks.internal', '10.0.0.5')).to.equal(null);
      expect(policy.forbids('HOOKS.internal.', '10.0.0.5')).to.equal(null);
      expect(policy.forbids('evil.internal', '10.0.0.5')).to.equal('private');
      expect(policy.forbids('hooks.internal.evil.com', '10.0.0.5')).to.equal('private');
    });

    it('fails at once on an entry that is no host, IP or CIDR', () => {
      for (const bad of ['10.0.0.0/33', '10.0.0.0/8/1', 'host/8', 'http://x', 'a b']) {
        expect(() => addressPolicy([bad]), bad).to.throw(/WEBHOOK_ALLOW_PRIVATE/);
      }
    });
  });

  describe('webhook URLs', () => {
    it('refuses IPv4 literals however they are spelt, once URL parsing has normalised them', () => {
      for (const url of ['http://2130706433/', 'http://0177.0.0.1/', 'http://0x7f.1/', 'http://127.1:8080/', 'http://[::ffff:127.0.0.1]/', 'http://[::1]:9/', 'http://169.254.169.254/latest/meta-data/']) {
        const check = checkWebhookUrl(url, []);
        expect(check.ok, url).to.equal(false);
        expect(check.ok ? '' : check.reason, url).to.match(/^address not allowed: (loopback|link-local)$/);
      }
    });

    it('refuses other schemes and credentials, without repeating the URL', () => {
      expect(checkWebhookUrl('ftp://hooks.example.com/', [])).to.deep.equal({ ok: false, reason: 'only http and https URLs are allowed' });
      expect(checkWebhookUrl('file:///etc/passwd', []).ok).to.equal(false);
      const creds = checkWebhookUrl('https://me:hunter2@hooks.example.com/', []);
      expect(creds).to.deep.equal({ ok: false, reason: 'URLs with credentials are not allowed' });
      expect(checkWebhookUrl('not a url', [])).to.deep.equal({ ok: false, reason: 'invalid URL' });
    });

    it('accepts public hosts on any port, and listed private ones', () => {
      expect(checkWebhookUrl('https://hooks.example.com:8443/in?token=abc', []).ok).to.equal(true);
      expect(checkWebhookUrl('http://8.8.8.8/', []).ok).to.equal(true);
      expect(checkWebhookUrl('http://127.0.0.1:3000/', ['127.0.0.0/8']).ok).to.equal(true);
    });
  });

  describe('connect-time lookup', () => {
    const lookup = (resolver: Resolver, options: { all?: boolean; family?: number } = {}, allow: string[] = []) =>
      new Promise<{ err: NodeJS.ErrnoException | null; address: unknown; family?: number }>((resolve) =>
        guardedLookup(addressPolicy(allow), resolver)('hooks.example', options, (err, address, family) => resolve({ err, address, family })),
      );

    it('hands node exactly one address, the one it checked', async () => {
      const resolver: Resolver = async () => [{ address: '8.8.8.8', family: 4 }, { address: '2001:4860:4860::8888', family: 6 }];
      expect(await lookup(resolver, { all: true })).to.deep.include({ err: null, address: [{ address: '8.8.8.8', family: 4 }] });
      expect(await lookup(resolver)).to.deep.include({ err: null, address: '8.8.8.8', family: 4 });
      expect(await lookup(resolver, { family: 6 })).to.deep.include({ err: null, address: '2001:4860:4860::8888', family: 6 });
    });

    it('refuses the whole answer when any address is forbidden', async () => {
      const { err } = await lookup(async () => [{ address: '8.8.8.8', family: 4 }, { address: '10.0.0.1', family: 4 }]);
      expect(err).to.include({ code: 'EADDRNOTALLOWED', message: 'address not allowed: private' });
      expect((await lookup(async () => [{ address: '10.0.0.1', family: 4 }], {}, ['hooks.example'])).err).to.equal(null);
    });
  });
});
