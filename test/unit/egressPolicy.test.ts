import { expect } from 'chai';
import { checkWebhookUrl } from '../../alerting/delivery/index.js';
import { loadConfig } from '../../platform/config.js';
import { egressPolicy, forbiddenRange, guardedLookup, judgeTarget, originEntry, parseAllowEntry, type Resolver } from '../../platform/egress/index.js';

describe('egress policy', () => {
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

  describe('allow-list (EGRESS_ALLOW)', () => {
    it('allows a listed IP, in its mapped forms too, and nothing next to it', () => {
      const policy = egressPolicy(['127.0.0.1']);
      expect(policy.forbids('127.0.0.1', '127.0.0.1', 80)).to.equal(null);
      expect(policy.forbids('[::ffff:7f00:1]', '::ffff:7f00:1', 80)).to.equal(null);
      expect(policy.forbids('127.0.0.2', '127.0.0.2', 80)).to.equal('loopback');
      expect(policy.forbids('::1', '::1', 80)).to.equal('loopback');
    });

    it('allows listed CIDRs, IPv4 and IPv6', () => {
      const policy = egressPolicy(['10.0.0.0/8', 'fd00::/8']);
      expect(policy.forbids('h', '10.9.9.9', 80)).to.equal(null);
      expect(policy.forbids('h', 'fd00::5', 80)).to.equal(null);
      expect(policy.forbids('h', 'fc00::5', 80)).to.equal('private');
      expect(policy.forbids('h', '192.168.0.1', 80)).to.equal('private');
    });

    it('allows any address of a listed host name, and only for that name', () => {
      const policy = egressPolicy(['hooks.internal']);
      expect(policy.forbids('hooks.internal', '10.0.0.5', 80)).to.equal(null);
      expect(policy.forbids('HOOKS.internal.', '10.0.0.5', 80)).to.equal(null);
      expect(policy.forbids('evil.internal', '10.0.0.5', 80)).to.equal('private');
      expect(policy.forbids('hooks.internal.evil.com', '10.0.0.5', 80)).to.equal('private');
    });

    it('opens only the port an entry names', () => {
      const policy = egressPolicy(['127.0.0.1:4010', '[::1]:8080', 'localhost:4011', '10.0.0.0/8:443', '[fd00::]/8:8443', 'hooks.internal']);
      expect(policy.forbids('127.0.0.1', '127.0.0.1', 4010)).to.equal(null);
      expect(policy.forbids('127.0.0.1', '127.0.0.1', 4011)).to.equal('loopback');
      expect(policy.forbids('[::ffff:127.0.0.1]', '::ffff:7f00:1', 4010)).to.equal(null);
      expect(policy.forbids('::1', '::1', 8080)).to.equal(null);
      expect(policy.forbids('::1', '::1', 4010)).to.equal('loopback');
      expect(policy.forbids('localhost', '127.0.0.1', 4011)).to.equal(null);
      expect(policy.forbids('localhost', '127.0.0.1', 4012)).to.equal('loopback');
      expect(policy.forbids('h', '10.1.2.3', 443)).to.equal(null);
      expect(policy.forbids('h', '10.1.2.3', 80)).to.equal('private');
      expect(policy.forbids('h', 'fd00::1', 8443)).to.equal(null);
      expect(policy.forbids('h', 'fd00::1', 443)).to.equal('private');
      expect(policy.forbids('hooks.internal', '10.0.0.5', 1)).to.equal(null);
      // Public addresses never needed an entry, whatever the port.
      expect(policy.forbids('example.com', '93.184.216.34', 5432)).to.equal(null);
    });

    it('reads every entry form', () => {
      expect(parseAllowEntry('10.20.0.0/16')).to.deep.equal({ kind: 'net', network: '10.20.0.0', prefix: 16, family: 'ipv4', port: null });
      expect(parseAllowEntry('10.0.0.0/8:443')).to.deep.equal({ kind: 'net', network: '10.0.0.0', prefix: 8, family: 'ipv4', port: 443 });
      expect(parseAllowEntry('127.0.0.1:4010')).to.deep.equal({ kind: 'net', network: '127.0.0.1', prefix: 32, family: 'ipv4', port: 4010 });
      expect(parseAllowEntry('[::1]:8080')).to.deep.equal({ kind: 'net', network: '::1', prefix: 128, family: 'ipv6', port: 8080 });
      expect(parseAllowEntry('[fd00::/8]:443')).to.deep.equal({ kind: 'net', network: 'fd00::', prefix: 8, family: 'ipv6', port: 443 });
      expect(parseAllowEntry('fd00::/8')).to.deep.equal({ kind: 'net', network: 'fd00::', prefix: 8, family: 'ipv6', port: null });
      expect(parseAllowEntry(' Hooks.Internal ')).to.deep.equal({ kind: 'host', name: 'hooks.internal', port: null });
      expect(parseAllowEntry('localhost:4010')).to.deep.equal({ kind: 'host', name: 'localhost', port: 4010 });
    });

    it('fails at once on an entry that is no host, IP or CIDR, naming the entry', () => {
      for (const bad of ['10.0.0.0/33', '10.0.0.0/8/1', 'host/8', 'http://x', 'a b', '127.1', 'host:0', 'host:65536', 'host:http', '[::1', '[::1]x', '10.0.0.300']) {
        expect(() => egressPolicy([bad]), bad).to.throw(bad.trim());
      }
    });

    it('fails config validation at start, naming the bad entry; WEBHOOK_ALLOW_PRIVATE still counts', () => {
      const env = { JWT_SECRET: 'x'.repeat(32), CREDENTIALS_KEYS: `k1:${Buffer.alloc(32).toString('base64')}` };
      expect(() => loadConfig(env, { EGRESS_ALLOW: '127.0.0.1:4010,10.0.0.0/40' })).to.throw(/EGRESS_ALLOW: not a CIDR: 10\.0\.0\.0\/40/);
      expect(() => loadConfig(env, { WEBHOOK_ALLOW_PRIVATE: 'a b' })).to.throw(/WEBHOOK_ALLOW_PRIVATE: .*a b/);
      const config = loadConfig(env, { EGRESS_ALLOW: '127.0.0.1:4010', WEBHOOK_ALLOW_PRIVATE: 'hooks.internal' });
      expect(config.egress.allow).to.deep.equal(['127.0.0.1:4010', 'hooks.internal']);
      expect(config.alerting.webhooks.allowPrivate).to.deep.equal(['127.0.0.1:4010', 'hooks.internal']);
    });

    it('names exactly the origin of a URL', () => {
      expect(originEntry('http://127.0.0.1:4010/x')).to.equal('127.0.0.1:4010');
      expect(originEntry('https://sim.test/api')).to.equal('sim.test:443');
      expect(originEntry('http://[::1]:8080')).to.equal('[::1]:8080');
      expect(egressPolicy([originEntry('http://[::1]:8080')]).forbids('[::1]', '::1', 8080)).to.equal(null);
    });
  });

  describe('saving a target', () => {
    const egress = (allow: string[], resolver: Resolver) => ({ policy: egressPolicy(allow), resolver });
    const noDns: Resolver = async () => { throw new Error('no DNS in a unit test'); };

    it('refuses IP literals in every spelling without asking DNS', async () => {
      for (const url of ['http://2130706433/', 'http://0177.0.0.1/', 'http://0x7f000001/', 'http://127.1/', 'http://[::ffff:127.0.0.1]/', 'http://[64:ff9b::7f00:1]/', 'http://[2002:7f00:1::]/', 'http://0.0.0.0/', 'http://169.254.169.254/', 'http://[fe80::1]/']) {
        expect(await judgeTarget(url, egress([], noDns)), url).to.not.equal(null);
      }
      expect(await judgeTarget('http://8.8.8.8/', egress([], noDns))).to.equal(null);
    });

    it('refuses a name that resolves to a disallowed address, honours the port of an entry', async () => {
      const local: Resolver = async () => [{ address: '127.0.0.1', family: 4 }];
      expect(await judgeTarget('http://localhost:4010/', egress([], local))).to.equal('loopback');
      expect(await judgeTarget('http://localhost:4010/', egress(['127.0.0.1:4010'], local))).to.equal(null);
      expect(await judgeTarget('http://localhost:4011/', egress(['127.0.0.1:4010'], local))).to.equal('loopback');
      expect(await judgeTarget('https://localhost/', egress(['localhost:443'], local))).to.equal(null);
    });

    it('accepts a name that does not resolve, or not in time (the check reports it)', async () => {
      expect(await judgeTarget('http://nowhere.invalid/', egress([], async () => { throw Object.assign(new Error('nope'), { code: 'ENOTFOUND' }); }))).to.equal(null);
      const never: Resolver = () => new Promise(() => undefined);
      expect(await judgeTarget('http://slow.example/', egress([], never), 20)).to.equal(null);
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
      expect(checkWebhookUrl('http://127.0.0.1:3000/', ['127.0.0.1:3000']).ok).to.equal(true);
      expect(checkWebhookUrl('http://127.0.0.1:3001/', ['127.0.0.1:3000']).ok).to.equal(false);
    });
  });

  describe('connect-time lookup', () => {
    const lookup = (resolver: Resolver, options: { all?: boolean; family?: number } = {}, allow: string[] = []) =>
      new Promise<{ err: NodeJS.ErrnoException | null; address: unknown; family?: number }>((resolve) =>
        guardedLookup(egressPolicy(allow), resolver, 443)('hooks.example', options, (err, address, family) => resolve({ err, address, family })),
      );

    it('hands node only addresses it checked', async () => {
      const resolver: Resolver = async () => [{ address: '8.8.8.8', family: 4 }, { address: '2001:4860:4860::8888', family: 6 }];
      expect(await lookup(resolver, { all: true })).to.deep.include({ err: null, address: [{ address: '8.8.8.8', family: 4 }, { address: '2001:4860:4860::8888', family: 6 }] });
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
