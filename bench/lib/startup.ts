// Starts the service the way `npm start` does, in a child process, and measures how long until it
// serves: wall-clock time to the "fact service ready" log line, and the CPU time the process used by
// then (Linux: /proc/<pid>/stat), which a busy machine inflates far less than wall-clock time.
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface Started {
  child: ChildProcess;
  url: string;
  /** Milliseconds from spawn to the ready line. */
  wallMs: number;
  /** CPU milliseconds (user + system) the process used by the ready line; null where /proc is missing. */
  cpuMs: number | null;
  /** What the service itself logged as its start-up time (from opening the database to listening). */
  serviceMs: number;
  /** Every line the process wrote so far (stdout and stderr). */
  output: string[];
  /** Resolves with the first line matching `pattern`, waiting for it at most `timeoutMs`. */
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<string>;
  stop(): Promise<void>;
}

/**
 * The command line of `npm start` in the checkout at `root`, from its package.json, run by this Node.js
 * binary without npm in between: `node …` as is, `tsx file` as `node --import tsx file` (older checkouts).
 */
export function startCommand(root = ROOT): { command: string; args: string[] } {
  const script = (JSON.parse(readFileSync(`${root}/package.json`, 'utf8')) as { scripts: Record<string, string> }).scripts.start ?? '';
  const [command, ...args] = script.split(/\s+/);
  if (command === 'node') return { command: process.execPath, args };
  if (command === 'tsx') return { command: process.execPath, args: ['--import', 'tsx', ...args] };
  throw new Error(`npm start is "${script}"; this helper runs "node …" and "tsx …" scripts only`);
}

async function cpuMs(pid: number): Promise<number | null> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => null);
  if (!stat) return null;
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime and stime are fields 14 and 15 of the file (11 and 12 after the command name), in clock ticks of 10 ms.
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

export async function startService(env: Record<string, string>, timeoutMs = 120_000, root = ROOT): Promise<Started> {
  const { command, args } = startCommand(root);
  const started = performance.now();
  const child = spawn(command, args, {
    cwd: root,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', NODE_ENV: 'production', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const ready = await new Promise<{ url: string; serviceMs: number; wallMs: number }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the service printed no "fact service ready" line within ${timeoutMs} ms:\n${output.join('\n')}`)), timeoutMs);
    let buffered = '';
    const onData = (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        output.push(line);
        if (!line.includes('"fact service ready"')) continue;
        const entry = JSON.parse(line) as { url: string; startupMs: number };
        clearTimeout(timer);
        resolve({ url: entry.url, serviceMs: entry.startupMs, wallMs: performance.now() - started });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`the service exited (code ${code}) before it was ready:\n${output.join('\n')}`));
    });
  });
  const cpu = await cpuMs(child.pid ?? 0);
  return {
    child,
    ...ready,
    cpuMs: cpu,
    output,
    async waitForLine(pattern, waitMs = 10_000) {
      const deadline = performance.now() + waitMs;
      for (;;) {
        const line = output.find((candidate) => pattern.test(candidate));
        if (line !== undefined) return line;
        if (performance.now() > deadline || child.exitCode !== null) throw new Error(`no line matching ${pattern} within ${waitMs} ms:\n${output.join('\n')}`);
        // Wake on the next output, or at the deadline.
        await new Promise<void>((resolve) => {
          const timer = setTimeout(done, Math.max(0, deadline - performance.now()) + 1);
          function done() {
            clearTimeout(timer);
            child.stdout?.off('data', done);
            child.stderr?.off('data', done);
            resolve();
          }
          child.stdout?.once('data', done);
          child.stderr?.once('data', done);
        });
      }
    },
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
