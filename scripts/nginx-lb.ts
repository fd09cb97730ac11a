/**
 * A local nginx load balancer in front of running fact service instances, for tests and trying things out.
 * Writes a config into a temp dir, runs nginx (the Debian package, /usr/sbin/nginx) as a child in the
 * foreground, and stops it. The system's own nginx service is neither used nor started.
 *
 *   npx tsx scripts/nginx-lb.ts 4001 4002      # prints "nginx listening on http://127.0.0.1:PORT"; Ctrl-C stops it
 *
 * The config is what the README's "Running more than one instance" describes:
 * - `proxy_next_upstream error timeout`: a request is passed to the other instance when the first cannot be
 *   reached or does not answer in time, but nginx never passes on a non-idempotent request (POST, so every
 *   GraphQL mutation) once it has been sent: without `non_idempotent` a mutation is tried on a second
 *   instance only if the first refused the connection (nothing was sent), so a write is never made twice.
 * - SSE and WebSocket friendly: HTTP/1.1 to the instances with `Connection ""` (keep-alive), the upgrade
 *   headers for WebSocket, `proxy_buffering off` so events are not held back, and a long `proxy_read_timeout`.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect, createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const NGINX = process.env.NGINX_BIN ?? '/usr/sbin/nginx';
export const nginxAvailable = () => existsSync(NGINX);

export interface NginxOptions {
  /** Ports of the instances on 127.0.0.1. */
  upstreams: number[];
  /** Port to listen on; a free one by default. */
  port?: number;
  /** How long nginx waits for an instance to accept a connection before trying the next (default 2 s). */
  connectTimeoutS?: number;
  /** How long an SSE or WebSocket connection may stay silent (default 1 h). */
  readTimeoutS?: number;
}

export interface NginxBalancer {
  port: number;
  url: string;
  /** The config file, and the directory holding it with logs and temp files. */
  configPath: string;
  prefix: string;
  /** What nginx wrote to stderr and its error log, for an error message. */
  errors(): Promise<string>;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export function nginxConfig(options: Required<Omit<NginxOptions, 'port'>> & { port: number; prefix: string; runningAsRoot: boolean }): string {
  const { prefix } = options;
  return `# written by scripts/nginx-lb.ts
${options.runningAsRoot ? 'user root;\n' : ''}worker_processes 1;
error_log ${join(prefix, 'error.log')} warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path ${join(prefix, 'client_body')};
  proxy_temp_path ${join(prefix, 'proxy')};
  fastcgi_temp_path ${join(prefix, 'fastcgi')};
  uwsgi_temp_path ${join(prefix, 'uwsgi')};
  scgi_temp_path ${join(prefix, 'scgi')};

  map $http_upgrade $connection_upgrade { default upgrade; '' ''; }

  upstream fact_service {
${options.upstreams.map((port) => `    server 127.0.0.1:${port} max_fails=1 fail_timeout=5s;`).join('\n')}
    keepalive 16;
  }

  server {
    listen 127.0.0.1:${options.port};
    client_max_body_size 10m;

    location / {
      proxy_pass http://fact_service;
      proxy_http_version 1.1;
      # keep-alive to the instances, or the WebSocket upgrade when the client asks for one
      proxy_set_header Connection $connection_upgrade;
      proxy_set_header Upgrade $http_upgrade;
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
      # another instance only when this one cannot be reached or times out; never a POST once sent
      proxy_next_upstream error timeout;
      proxy_next_upstream_tries 2;
      proxy_connect_timeout ${options.connectTimeoutS}s;
      # Server-Sent Events: pass each event on at once, and let a quiet stream stay open
      proxy_buffering off;
      proxy_cache off;
      proxy_read_timeout ${options.readTimeoutS}s;
      # which instance answered (the last tried, when nginx passed the request on): for tests and debugging
      add_header X-Fact-Upstream $upstream_addr always;
      proxy_send_timeout ${options.readTimeoutS}s;
    }
  }
}
`;
}

function accepting(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

/** Starts nginx in front of `upstreams`; resolves once it accepts connections (at most `startMs`). */
export async function startNginx(options: NginxOptions, startMs = 20_000): Promise<NginxBalancer> {
  if (!nginxAvailable()) throw new Error(`nginx not found at ${NGINX} (apt-get install nginx)`);
  const prefix = await mkdtemp(join(tmpdir(), 'fact-nginx-'));
  const port = options.port ?? (await freePort());
  const configPath = join(prefix, 'nginx.conf');
  await writeFile(
    configPath,
    nginxConfig({
      upstreams: options.upstreams,
      port,
      connectTimeoutS: options.connectTimeoutS ?? 2,
      readTimeoutS: options.readTimeoutS ?? 3600,
      prefix,
      runningAsRoot: process.getuid?.() === 0,
    }),
  );
  // -e: the error log before the config is read (else nginx opens /var/log/nginx/error.log first).
  const child: ChildProcess = spawn(NGINX, ['-e', join(prefix, 'error.log'), '-p', prefix, '-c', configPath, '-g', `daemon off; pid ${join(prefix, 'nginx.pid')};`], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const errors = async () => {
    const { readFile } = await import('node:fs/promises');
    const log = await readFile(join(prefix, 'error.log'), 'utf8').catch(() => '');
    return `${stderr}${log}`.trim();
  };
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }
    await rm(prefix, { recursive: true, force: true });
  };
  const deadline = Date.now() + startMs;
  while (!(await accepting(port))) {
    if (child.exitCode !== null || child.signalCode !== null || Date.now() > deadline) {
      const detail = await errors();
      await stop();
      throw new Error(`nginx did not start listening on 127.0.0.1:${port} within ${startMs} ms\n${detail}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return { port, url: `http://127.0.0.1:${port}`, configPath, prefix, errors, stop };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const upstreams = process.argv.slice(2).map(Number);
  if (upstreams.length === 0 || upstreams.some((port) => !Number.isInteger(port) || port <= 0)) {
    console.error('usage: npx tsx scripts/nginx-lb.ts PORT [PORT…]   (ports of running instances on 127.0.0.1)');
    process.exit(2);
  }
  const balancer = await startNginx({ upstreams, ...(process.env.PORT ? { port: Number(process.env.PORT) } : {}) });
  console.log(`nginx listening on ${balancer.url} (config: ${balancer.configPath})`);
  const stop = () => void balancer.stop().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
