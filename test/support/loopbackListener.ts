// A listener on every loopback address we can bind, counting the TCP connections it accepts:
// an SSRF test asserts that a refused target saw none.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface LoopbackListener {
  port: number;
  /** Whether ::1 could be bound on the same port. */
  hasV6: boolean;
  connections(): number;
  close(): Promise<void>;
}

/** An HTTP server on 127.0.0.1 and ::1 (same port when free) that answers `body` and counts connections. */
export async function loopbackListener(body = 'ok'): Promise<LoopbackListener> {
  let connections = 0;
  const servers: http.Server[] = [];
  const start = (host: string, port: number) =>
    new Promise<http.Server | null>((resolve) => {
      const server = http.createServer((req, res) => { req.resume(); res.end(body); });
      server.on('connection', () => connections++);
      server.once('error', () => resolve(null));
      server.listen(port, host, () => resolve(server));
    });
  const v4 = await start('127.0.0.1', 0);
  if (!v4) throw new Error('cannot listen on 127.0.0.1');
  servers.push(v4);
  const { port } = v4.address() as AddressInfo;
  const v6 = await start('::1', port);
  if (v6) servers.push(v6);
  return {
    port,
    hasV6: v6 !== null,
    connections: () => connections,
    async close() {
      for (const s of servers) {
        s.closeAllConnections();
        await new Promise((resolve) => s.close(resolve));
      }
    },
  };
}
