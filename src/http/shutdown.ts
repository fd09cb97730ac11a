import type { Server } from 'node:http';
import type { Logger } from '../logger.js';

/**
 * Bounds how long a client may take to send a request (a slow-loris holds a connection forever otherwise),
 * and keeps idle connections open longer than a load balancer does, so it never reuses one we closed.
 * Execution has its own limit (REQUEST_TIMEOUT_MS, src/http/timeout.ts).
 */
export function applyServerTimeouts(server: Server, timeouts: { requestTimeoutMs: number; keepAliveTimeoutMs: number }): void {
  server.keepAliveTimeout = timeouts.keepAliveTimeoutMs;
  if (timeouts.requestTimeoutMs <= 0) return;
  server.requestTimeout = timeouts.requestTimeoutMs;
  server.headersTimeout = Math.min(10_000, timeouts.requestTimeoutMs);
}

/**
 * Stops accepting connections, closes idle keep-alive ones, lets requests in flight finish, and after
 * `timeoutMs` cuts whatever is left: a stuck client cannot hold the shutdown forever.
 * The listening socket is closed before `server.close` returns, so from the "listener closed" line on,
 * a new connection is refused. One that the kernel accepted in the same instant but the service had not
 * read yet is reset instead (see README "Shutdown"): no TCP server can refuse it after its handshake.
 */
export async function drainServer(server: Server, timeoutMs: number, logger: Logger): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
    logger.info('listener closed; new connections are refused');
    if (timeoutMs > 0) {
      timer = setTimeout(() => {
        logger.warn({ timeoutMs }, 'requests still running at the end of the shutdown timeout were cut off');
        server.closeAllConnections();
      }, timeoutMs);
    }
  });
  clearTimeout(timer);
}
