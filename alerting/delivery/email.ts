// Sending email through the configured SMTP server. Choices:
// - `secure: true` is TLS from the first byte (port 465); `secure: false` upgrades with
//   STARTTLS whenever the server offers it (nodemailer's default), and talks plain SMTP to a
//   server that does not — the local relay case, and the tests' smtp-server.
// - Certificates are always verified (no `rejectUnauthorized: false`): a relay with a bad
//   certificate should fail loudly rather than receive alerts and a password unverified.
// - A password is never sent in clear: with credentials configured, STARTTLS is required,
//   unless the server is on this host.
// - File and URL access are off, so no message content can make nodemailer read a file or
//   fetch a URL.
// Errors come back as MailDeliveryError with our own words and whether a retry can help.
import nodemailer from 'nodemailer';
import { forbiddenRange } from '../../platform/egress/addressPolicy.js';

export interface SmtpSettings {
  host: string;
  port: number;
  secure: boolean;
  user: string;
  password: string;
  from: string;
}

export interface OutgoingMail {
  to: string[];
  subject: string;
  text: string;
  html: string;
}

export interface Mailer {
  /** Resolves once the server accepted the message; `rejected` lists recipients it refused while accepting others. */
  send(mail: OutgoingMail): Promise<{ messageId: string; rejected: string[] }>;
  close(): void;
}

export class MailDeliveryError extends Error {
  constructor(readonly reason: string, readonly retryable: boolean) {
    super(reason);
  }
}

const onThisHost = (host: string) => host === 'localhost' || forbiddenRange(host) === 'loopback';

export function createMailer(smtp: SmtpSettings): Mailer {
  const transport = nodemailer.createTransport({
    host: smtp.host,
    port: smtp.port,
    secure: smtp.secure,
    ...(smtp.user ? { auth: { user: smtp.user, pass: smtp.password } } : {}),
    requireTLS: !smtp.secure && Boolean(smtp.user) && !onThisHost(smtp.host),
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  return {
    async send({ to, subject, text, html }) {
      if (to.length === 0) throw new MailDeliveryError('no recipients', false);
      try {
        const info = await transport.sendMail({ from: smtp.from, to, subject, text, html });
        return { messageId: info.messageId, rejected: [...info.rejected] };
      } catch (err) {
        throw mailError(err);
      }
    },
    close: () => transport.close(),
  };
}

/** Our words for what went wrong; the server's own text may quote addresses or configuration. */
function mailError(err: unknown): MailDeliveryError {
  const { code = '', responseCode } = err as { code?: string; responseCode?: number };
  const status = typeof responseCode === 'number' ? `SMTP ${responseCode}: ` : '';
  // 4xx replies are the server asking to come back later; 5xx are final.
  const transient = typeof responseCode === 'number' ? responseCode < 500 : true;
  if (code === 'EAUTH') return new MailDeliveryError(`${status}authentication failed`, false);
  if (code === 'ETLS') return new MailDeliveryError('TLS with the SMTP server failed', false);
  if (code === 'EENVELOPE') return new MailDeliveryError(`${status}recipients rejected`, transient && status !== '');
  if (code === 'ETIMEDOUT') return new MailDeliveryError('SMTP server timed out', true);
  if (code === 'ECONNECTION' || code === 'ESOCKET' || code === 'EDNS') return new MailDeliveryError('could not reach the SMTP server', true);
  return new MailDeliveryError(`${status}sending failed`, transient);
}
