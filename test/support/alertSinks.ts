// Where alert notifications land in tests: a real SMTP server (smtp-server) and a real HTTP
// receiver that verifies Standard Webhooks signatures like a customer's endpoint would.
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyWebhook } from '../../alerting/delivery/index.js';
import { startMailbox } from '../../simulator/mailbox.js';

export interface Hook { id: string; body: any; verified: boolean }

export interface Receiver {
  server: Server;
  url: string;
  /** Every delivery received in full, in arrival order (held ones included). */
  hooks: Hook[];
  /**
   * The next delivery is received (and recorded in `hooks`) but not answered: the sender has
   * sent it and cannot have recorded the outcome. Resolves with it once it is in hand; the
   * answer never comes (the test kills the sender, or calls `release`).
   */
  holdNext(timeoutMs?: number): Promise<Hook>;
  /** Answers nothing more to held deliveries: closes their connections. */
  release(): void;
}

/** A real SMTP server collecting mail in memory. */
export const startSmtp = () => startMailbox();

export function startReceiver(secret: () => string): Promise<Receiver> {
  const hooks: Hook[] = [];
  const holds: ((hook: Hook) => void)[] = [];
  const held = new Set<ServerResponse>();
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const verified = verifyWebhook(req.headers as Record<string, string>, body, secret()).ok;
      const hook = { id: String(req.headers['webhook-id']), body: JSON.parse(body), verified };
      hooks.push(hook);
      const hold = holds.shift();
      if (!hold) return void res.writeHead(verified ? 204 : 401).end();
      held.add(res);
      res.once('close', () => held.delete(res));
      hold(hook);
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({
    server,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/pulse`,
    hooks,
    holdNext: (timeoutMs = 60_000) => new Promise<Hook>((resolve, reject) => {
      const timer = setTimeout(() => {
        holds.splice(holds.indexOf(onHold), 1);
        reject(new Error(`no webhook delivery arrived to hold within ${timeoutMs} ms`));
      }, timeoutMs);
      const onHold = (hook: Hook) => {
        clearTimeout(timer);
        resolve(hook);
      };
      holds.push(onHold);
    }),
    release() {
      for (const res of held) res.destroy();
      held.clear();
    },
  })));
}
