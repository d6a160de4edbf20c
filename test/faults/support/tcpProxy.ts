// A TCP proxy between Pulse and a dependency, so a test can break the network without
// touching the dependency: cut every open connection at once (as a failover or a NAT timeout
// does), refuse new ones (the dependency "is down"), or point at another address (it came back
// on a new port). The proxy's own port stays the same throughout, so processes configured with
// it never need restarting.
import net from 'node:net';

export interface Address {
  host: string;
  port: number;
}

export interface TcpProxy {
  port: number;
  /** Where new connections go; undefined refuses them (accepted and reset at once). */
  setTarget(target: Address | undefined): void;
  /** Resets every open connection, both sides; returns how many were cut. */
  dropAll(): number;
  /** Connections accepted since start (to check traffic really goes through the proxy). */
  accepted(): number;
  close(): Promise<void>;
}

export async function startTcpProxy(target: Address | undefined): Promise<TcpProxy> {
  let current = target;
  let accepted = 0;
  const open = new Set<{ client: net.Socket; upstream: net.Socket }>();

  const server = net.createServer((client) => {
    accepted++;
    if (!current) return void client.resetAndDestroy();
    const upstream = net.connect(current.port, current.host);
    const pair = { client, upstream };
    open.add(pair);
    const end = () => {
      open.delete(pair);
      if (!client.destroyed) client.resetAndDestroy();
      if (!upstream.destroyed) upstream.resetAndDestroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as net.AddressInfo).port;

  return {
    port,
    setTarget: (t) => {
      current = t;
    },
    dropAll() {
      const n = open.size;
      for (const { client, upstream } of [...open]) {
        client.resetAndDestroy();
        upstream.resetAndDestroy();
      }
      open.clear();
      return n;
    },
    accepted: () => accepted,
    async close() {
      current = undefined;
      for (const { client, upstream } of open) {
        client.destroy();
        upstream.destroy();
      }
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
