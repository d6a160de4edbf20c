// Where alert notifications land in tests: a real SMTP server (smtp-server) and a real HTTP
// receiver that verifies Standard Webhooks signatures like a customer's endpoint would.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyWebhook } from '../../alerting/delivery/index.js';
import { startMailbox } from '../../simulator/mailbox.js';

export interface Hook { id: string; body: any; verified: boolean }

/** A real SMTP server collecting mail in memory. */
export const startSmtp = () => startMailbox();

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

