import type net from 'node:net';

export interface ListenAddress {
  host: string;
  port: number;
}

// Listen on host:port (0 = any free port); resolves with the bound address once connections are accepted.
export function listen(server: net.Server, port: number, host: string): Promise<ListenAddress> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve({ host, port: (server.address() as net.AddressInfo).port });
    });
  });
}

// Stop accepting, drop the open connections (`dropConnections`), resolve when the listener is closed.
export async function closeServer(server: net.Server, dropConnections: () => void): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  dropConnections();
  await closed;
}
