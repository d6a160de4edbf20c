// Email through a real (local) SMTP server: no auth, no TLS, a random port — the relay case.
import { expect } from 'chai';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { createMailer, MailDeliveryError, renderAdminDigest } from '../../../alerting/delivery/index.js';
import type { AlertRaised, AlertResolved } from '../../../alerting/types.js';
import { refusedPort } from '../../support/refusedPort.js';

interface Delivered {
  from: string;
  to: string[];
  raw: string;
}

async function smtpServer(rejectRecipient: (address: string) => boolean = () => false) {
  const delivered: Delivered[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
    onRcptTo(address, _session, callback) {
      if (rejectRecipient(address.address)) return callback(Object.assign(new Error('no such user'), { responseCode: 550 }));
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const from = session.envelope.mailFrom;
        delivered.push({ from: from ? from.address : '', to: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks).toString('utf8') });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return { port, delivered, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** The decoded text of each part of a multipart message, by content type. */
function parts(raw: string): Map<string, string> {
  const boundary = /boundary="?([^";\r\n]+)"?/i.exec(raw)?.[1];
  if (!boundary) throw new Error('not multipart');
  const found = new Map<string, string>();
  for (const part of raw.split(`--${boundary}`).slice(1, -1)) {
    const [head = '', ...rest] = part.split(/\r?\n\r?\n/);
    const body = rest.join('\n\n');
    const type = /content-type:\s*([^;\r\n]+)/i.exec(head)?.[1]?.trim() ?? '';
    const encoding = /content-transfer-encoding:\s*(\S+)/i.exec(head)?.[1]?.toLowerCase();
    const decoded = encoding === 'base64'
      ? Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8')
      : encoding === 'quoted-printable'
        ? Buffer.from(body.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi, (_, h: string) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8')
        : body;
    found.set(type, decoded);
  }
  return found;
}

describe('email delivery', () => {
  const links = { webAppUrl: 'https://pulse.example.com', docsBaseUrl: 'https://pulse.example.com/docs' };
  const t0 = Date.parse('2025-03-01T12:00:00Z');
  const common = { ruleId: 'r1', ruleName: 'Gmail failure rate', ruleKind: 'provider_failure_rate' as const, severity: 'critical' as const, scope: { type: 'provider' as const, provider: 'gmail' }, openedAt: t0, channels: [], notifyOwner: false };
  const raised: AlertRaised = { ...common, type: 'AlertRaised', alertId: 'a1', transitionId: 'a1:raised', occurredAt: t0, summary: 'Gmail failure rate 45 % <b>', facts: { failurePercent: 45 }, flapping: false };
  const resolved: AlertResolved = { ...common, type: 'AlertResolved', alertId: 'a0', transitionId: 'a0:resolved', occurredAt: t0 - 60_000, summary: 'Slack is back', reason: 'recovered' };

  let smtp: Awaited<ReturnType<typeof smtpServer>>;
  let open: typeof smtp | undefined;
  const start = async (...args: Parameters<typeof smtpServer>) => (open = smtp = await smtpServer(...args));
  afterEach(async () => {
    await open?.close();
    open = undefined;
  });

  it('delivers the digest with text and HTML parts to exactly the recipients', async () => {
    await start();
    const mailer = createMailer({ host: '127.0.0.1', port: smtp.port, secure: false, user: '', password: '', from: 'Pulse <pulse@example.com>' });
    try {
      const digest = renderAdminDigest([raised, resolved], links);
      const sent = await mailer.send({ to: ['ops@example.com', 'oncall@example.com'], ...digest });
      expect(sent.messageId).to.match(/^<.+@.+>$/);
      expect(sent.rejected).to.deep.equal([]);
      expect(smtp.delivered).to.have.length(1);
      const [mail] = smtp.delivered;
      expect(mail?.from).to.equal('pulse@example.com');
      expect(mail?.to).to.deep.equal(['ops@example.com', 'oncall@example.com']);
      expect(mail?.raw).to.match(/^Subject: \[Pulse\] 2 alerts: 1 raised, 1 resolved\r?$/m);
      expect(mail?.raw).to.match(/^To: ops@example\.com, oncall@example\.com\r?$/m);
      expect(mail?.raw).to.match(/content-type: multipart\/alternative/i);
      const body = parts(mail?.raw ?? '');
      expect(body.get('text/plain')).to.contain('Gmail failure rate 45 % <b>');
      expect(body.get('text/html')).to.contain('Gmail failure rate 45 % &lt;b&gt;');
      expect(body.get('text/html')).to.contain('<h2>Raised (1)</h2>');
    } finally {
      mailer.close();
    }
  });

  it('reports recipients the server refused while it accepted the others', async () => {
    await start((address) => address === 'gone@example.com');
    const mailer = createMailer({ host: '127.0.0.1', port: smtp.port, secure: false, user: '', password: '', from: 'pulse@example.com' });
    try {
      const sent = await mailer.send({ to: ['ops@example.com', 'gone@example.com'], ...renderAdminDigest([raised], links) });
      expect(sent.rejected).to.deep.equal(['gone@example.com']);
      expect(smtp.delivered[0]?.to).to.deep.equal(['ops@example.com']);
      const none = await mailer.send({ to: ['gone@example.com'], ...renderAdminDigest([raised], links) }).catch((e: unknown) => e);
      expect(none).to.be.instanceOf(MailDeliveryError);
      expect(none).to.include({ retryable: false });
    } finally {
      mailer.close();
    }
  });

  it('fails with our words, retryable, when the server is unreachable', async () => {
    const nobody = await refusedPort();
    try {
      const mailer = createMailer({ host: '127.0.0.1', port: nobody.port, secure: false, user: '', password: '', from: 'pulse@example.com' });
      const err = await mailer.send({ to: ['ops@example.com'], ...renderAdminDigest([raised], links) }).catch((e: unknown) => e);
      expect(err).to.be.instanceOf(MailDeliveryError);
      expect(err).to.include({ reason: 'could not reach the SMTP server', retryable: true });
      mailer.close();
    } finally {
      await nobody.close();
    }
  });
});
