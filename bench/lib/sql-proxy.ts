import { createServer, type Server, type Socket, connect } from 'node:net';

const SSL_REQUEST = 80877103;
const GSS_REQUEST = 80877104;

/**
 * A TCP proxy in front of PostgreSQL that counts the statements clients run: simple-protocol Query ('Q')
 * and extended-protocol Execute ('E') messages. It sees every contender the same way, whatever its driver,
 * and needs neither pg_stat_statements nor a server restart. Used only for the counting pass, never while
 * timing.
 */
export class StatementCounter {
  statements = 0;
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();

  constructor(private readonly target: { host: string; port: number }) {}

  reset() {
    this.statements = 0;
  }

  /** Listens on loopback (port 0: any free port) and returns the port. */
  async listen(port: number): Promise<number> {
    const server = createServer((client) => this.relay(client));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    const address = server.address();
    return typeof address === 'object' && address ? address.port : port;
  }

  private relay(client: Socket) {
    const upstream = connect(this.target.port, this.target.host);
    this.sockets.add(client).add(upstream);
    let startup = true;
    let pending: Buffer = Buffer.alloc(0);
    client.on('data', (chunk: Buffer) => {
      upstream.write(chunk);
      pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
      for (;;) {
        if (startup) {
          if (pending.length < 8) break;
          const length = pending.readInt32BE(0);
          if (pending.length < length) break;
          const code = pending.readInt32BE(4);
          pending = pending.subarray(length);
          if (code !== SSL_REQUEST && code !== GSS_REQUEST) startup = false;
          continue;
        }
        if (pending.length < 5) break;
        const length = pending.readInt32BE(1);
        if (pending.length < 1 + length) break;
        const type = pending[0];
        if (type === 0x51 /* Q */ || type === 0x45 /* E */) this.statements += 1;
        pending = pending.subarray(1 + length);
      }
    });
    upstream.on('data', (chunk: Buffer) => client.write(chunk));
    const close = () => {
      client.destroy();
      upstream.destroy();
      this.sockets.delete(client);
      this.sockets.delete(upstream);
    };
    client.on('close', close).on('error', close);
    upstream.on('close', close).on('error', close);
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
