// A local TCP port that refuses connections, without the "find a free port, close it, use it
// later" race (meanwhile another process may listen on it). The port is held as the local end
// of an open connection to a listener of ours: nothing listens on it, so a connection to it is
// refused (RST, ECONNREFUSED), and while that connection lives no other socket can bind it
// (EADDRINUSE), whatever other processes on the machine do.
import net from 'node:net';

export interface RefusedPort {
  port: number;
  /** http://127.0.0.1:<port> */
  url: string;
  close(): Promise<void>;
}

export async function refusedPort(): Promise<RefusedPort> {
  const peers: net.Socket[] = [];
  const holder = net.createServer((socket) => {
    socket.on('error', () => undefined);
    peers.push(socket);
  });
  await new Promise<void>((resolve, reject) => {
    holder.once('error', reject);
    holder.listen(0, '127.0.0.1', resolve);
  });
  const client = net.connect((holder.address() as net.AddressInfo).port, '127.0.0.1');
  client.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    client.once('connect', resolve);
    client.once('error', reject);
  });
  const port = client.localPort as number;
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    async close() {
      client.destroy();
      for (const p of peers) p.destroy();
      await new Promise((resolve) => holder.close(resolve));
    },
  };
}
