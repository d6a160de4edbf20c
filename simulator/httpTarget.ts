// A small HTTP service to point demo and test integrations at: named endpoints whose
// behaviour (status, delay, refusing connections) can be changed at run time through
// `PUT /_faults/:name`. The full provider simulator (Google, Slack, MCP) builds on this.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface EndpointBehaviour {
  status: number;
  delayMs: number;
  body: string;
}

export interface HttpTarget {
  url: string;
  port: number;
  set(name: string, behaviour: Partial<EndpointBehaviour>): void;
  /** Number of requests served per endpoint. */
  hits(name: string): number;
  close(): Promise<void>;
}

const healthy: EndpointBehaviour = { status: 200, delayMs: 0, body: 'OK: all systems operational' };

export async function startHttpTarget(port = 0, host = '127.0.0.1'): Promise<HttpTarget> {
  const behaviours = new Map<string, EndpointBehaviour>();
  const hitCount = new Map<string, number>();
  const get = (name: string) => behaviours.get(name) ?? healthy;

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const fault = /^\/_faults\/([\w-]+)$/.exec(url.pathname);
    if (fault && req.method === 'PUT') {
      let raw = '';
      req.on('data', (c) => (raw += c));
      req.on('end', () => {
        try {
          behaviours.set(fault[1] as string, { ...get(fault[1] as string), ...JSON.parse(raw || '{}') });
          res.writeHead(204).end();
        } catch {
          res.writeHead(400, { 'content-type': 'application/json' }).end('{"error":"body must be JSON"}');
        }
      });
      return;
    }
    const name = url.pathname.replace(/^\/+/, '') || 'root';
    hitCount.set(name, (hitCount.get(name) ?? 0) + 1);
    const b = get(name);
    setTimeout(() => {
      res.writeHead(b.status, { 'content-type': 'text/plain' }).end(b.body);
    }, b.delayMs);
  });
  // A taken port must reject (the demo then falls back to any free one), not crash the process.
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => { server.off('error', reject); resolve(); });
  });
  const actual = (server.address() as AddressInfo).port;
  return {
    url: `http://${host}:${actual}`,
    port: actual,
    set: (name, behaviour) => behaviours.set(name, { ...get(name), ...behaviour }),
    hits: (name) => hitCount.get(name) ?? 0,
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
