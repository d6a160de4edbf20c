// Where alert notifications land in tests: a real SMTP server (smtp-server) and a real HTTP
// receiver that verifies Standard Webhooks signatures like a customer's endpoint would.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { verifyWebhook } from '../../alerting/delivery/index.js';

export interface Mail { to: string[]; raw: string }
export interface Hook { id: string; body: any; verified: boolean }

export function startSmtp(): Promise<{ server: SMTPServer; port: number; mails: Mail[] }> {
  const mails: Mail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, done) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        // Quoted-printable soft line breaks would split words we look for.
        mails.push({ to: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks).toString('utf8').replace(/=\r?\n/g, '') });
        done();
      });
    },
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, port: (server.server.address() as AddressInfo).port, mails })));
}

export function startReceiver(secret: () => string): Promise<{ server: Server; url: string; hooks: Hook[] }> {
  const hooks: Hook[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const verified = verifyWebhook(req.headers as Record<string, string>, body, secret()).ok;
      hooks.push({ id: String(req.headers['webhook-id']), body: JSON.parse(body), verified });
      res.writeHead(verified ? 204 : 401).end();
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/pulse`, hooks })));
}

