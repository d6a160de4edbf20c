// A local SMTP server that keeps what it receives: the demo's mail relay (messages also
// written as .eml files) and the tests' (in memory). Plain SMTP, no auth, no TLS — for
// this machine only.
import { mkdirSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  to: string[];
  /** The whole message, quoted-printable soft line breaks removed so words can be searched. */
  raw: string;
}

export interface Mailbox {
  port: number;
  mails: ReceivedMail[];
  close(): Promise<void>;
}

export function startMailbox(opts: { port?: number; host?: string; dir?: string } = {}): Promise<Mailbox> {
  const mails: ReceivedMail[] = [];
  if (opts.dir) mkdirSync(opts.dir, { recursive: true });
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, done) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const message = Buffer.concat(chunks);
        mails.push({ to: session.envelope.rcptTo.map((r) => r.address), raw: message.toString('utf8').replace(/=\r?\n/g, '') });
        if (opts.dir) writeFileSync(path.join(opts.dir, `${new Date().toISOString().replace(/[:.]/g, '-')}-${mails.length}.eml`), message);
        done();
      });
    },
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => resolve({
      port: (server.server.address() as AddressInfo).port,
      mails,
      close: () => new Promise<void>((r) => server.close(() => r())),
    }));
  });
}
