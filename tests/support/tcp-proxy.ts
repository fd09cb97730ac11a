import { type AddressInfo, createServer, type Server, type Socket, connect } from 'node:net';

export interface TcpProxy {
  /** The port clients connect to, on 127.0.0.1. */
  port: number;
  /** Destroys every open connection and resets new ones until `restore()`: the database is gone. */
  cut(): void;
  restore(): void;
  /** Cuts as soon as a client sends bytes containing `marker`, before they reach the server. */
  cutWhenClientSends(marker: string): Promise<void>;
  readonly connections: number;
  close(): Promise<void>;
}

/** A TCP proxy to `target` that a test can cut and restore, like a database host that goes down and comes back. */
export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const pairs = new Set<{ client: Socket; upstream: Socket }>();
  let down = false;
  let trigger: { marker: Buffer; resolve: () => void } | undefined;

  const cut = () => {
    down = true;
    for (const { client, upstream } of pairs) {
      client.resetAndDestroy();
      upstream.destroy();
    }
    pairs.clear();
  };

  const server: Server = createServer((client) => {
    if (down) {
      client.resetAndDestroy();
      return;
    }
    const upstream = connect(target.port, target.host);
    const pair = { client, upstream };
    pairs.add(pair);
    const drop = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    client.on('data', (chunk: Buffer) => {
      if (trigger && chunk.includes(trigger.marker)) {
        const { resolve } = trigger;
        trigger = undefined;
        cut();
        resolve();
        return;
      }
      upstream.write(chunk);
    });
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));

  return {
    port: (server.address() as AddressInfo).port,
    cut,
    restore() {
      down = false;
    },
    cutWhenClientSends(marker) {
      return new Promise((resolve) => {
        trigger = { marker: Buffer.from(marker, 'utf8'), resolve };
      });
    },
    get connections() {
      return pairs.size;
    },
    async close() {
      cut();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
