import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Where a server listens. */
export interface ListeningAddress {
  host: string;
  port: number;
  /** `http://host:port`, no trailing slash. */
  url: string;
}

/** Starts `server` on a free port of the loopback interface, chosen by the kernel. */
export function listenOnRandomPort(server: Server, host = '127.0.0.1'): Promise<ListeningAddress> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    server.once('error', onError);
    server.listen(0, host, () => {
      server.off('error', onError);
      const { port } = server.address() as AddressInfo;
      resolve({ host, port, url: `http://${host}:${port}` });
    });
  });
}

/** Asks the kernel for a port that is free right now (for programs that need a port number up front). */
export async function findFreePort(host = '127.0.0.1'): Promise<number> {
  const { createServer } = await import('node:net');
  const probe = createServer();
  return new Promise((resolve, reject) => {
    probe.once('error', reject);
    probe.listen(0, host, () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}
