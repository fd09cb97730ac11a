import { type ChildProcessByStdio, execFile, spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seed } from '../src/bundle/seed.js';
import { loadPersistedOperations } from '../src/http/persisted-operations.js';
import { serveGraphQLOverWebSocket } from '../src/http/websocket.js';
import { createLogger } from '../src/logger.js';
import type { App } from '../src/server.js';
import { createTokens, executeAs, type Tokens } from './support/auth.js';
import { createTestDatabase, databaseLabel, type TestDatabase } from './support/database.js';
import { observedEvents } from './support/events.js';
import { createTestApp } from './support/graphql.js';
import { type Listening, listen } from './support/listen.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = (name: string) => fileURLToPath(new URL(`../node_modules/.bin/${name}`, import.meta.url));
const run = promisify(execFile);

async function runExample(env: Record<string, string>, args: string[] = []) {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'examples/client/main.ts', ...args], { cwd: ROOT, env: { ...process.env, ...env } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

let test: TestDatabase;
let tokens: Tokens;
let app: App;
let http: Listening;
let sockets: { close(): Promise<void> };
let observed: ReturnType<typeof observedEvents>;

beforeAll(async () => {
  test = await createTestDatabase('client_example');
  await seed(test.db.prisma);
  tokens = await createTokens(test);
  observed = observedEvents();
  app = createTestApp(test, { events: observed.events });
  http = await listen(app);
  sockets = serveGraphQLOverWebSocket(http.server, app, { logger: createLogger('silent') });
});
afterAll(async () => {
  await sockets?.close();
  await http?.close();
  await test?.close();
});

describe('the typed client example (examples/client)', () => {
  it('has types generated from the current schema.graphql (`npm run codegen` leaves nothing to change)', async () => {
    const result = await run(BIN('graphql-codegen'), ['--config', 'codegen.ts', '--check'], { cwd: ROOT }).then(
      () => 0,
      (error: { code: number; stdout: string; stderr: string }) => {
        throw new Error(`examples/client/generated is stale: run npm run codegen\n${error.stdout}${error.stderr}`);
      },
    );
    expect(result).toBe(0);
  });

  it('type-checks under the project’s strict settings', async () => {
    const result = await run(BIN('tsc'), ['-p', 'examples/client/tsconfig.json'], { cwd: ROOT }).then(
      () => '',
      (error: { stdout: string }) => error.stdout,
    );
    expect(result).toBe('');
  });

  it(`runs against the service and prints an actor's latest statements (${databaseLabel()})`, async () => {
    const result = await runExample({ FACT_SERVICE_URL: http.url }, ['lin-jian']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const [heading, ...lines] = result.stdout.trim().split('\n');
    expect(heading).toMatch(/^Lin Jian \(person\): \d+ statements$/);
    expect(lines.filter((line) => /^ {2}(\d{4}-\d{2}-\d{2}|undated {3}) {2}\S+: /.test(line)).length, result.stdout).toBeGreaterThanOrEqual(1);
  });

  it('says so when the actor does not exist, with a non-zero exit code', async () => {
    const result = await runExample({ FACT_SERVICE_URL: http.url }, ['nobody-at-all']);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('No actor with the slug "nobody-at-all"\n');
  });

  it('sends only operation hashes when asked, which a server that runs known operations only accepts', async () => {
    const store = await loadPersistedOperations(fileURLToPath(new URL('../examples/client/generated/persisted-documents.json', import.meta.url)));
    const strict = await listen(createTestApp(test, { integration: { persistedOperations: 'only', persistedOperationsStore: store } }));
    try {
      const asText = await runExample({ FACT_SERVICE_URL: strict.url }, ['russia']);
      expect(asText.code).not.toBe(0);
      expect(asText.stderr).toMatch(/PERSISTED_QUERY_ONLY/);
      const asHash = await runExample({ FACT_SERVICE_URL: strict.url, FACT_SERVICE_PERSISTED: '1' }, ['russia']);
      expect(asHash.stderr).toBe('');
      expect(asHash.stdout).toMatch(/^Russia \(state, Q159\): \d+ statements/);
    } finally {
      await strict.close();
    }
  });

  it('watches an actor live over graphql-ws and prints each statement they make', async () => {
    const listening = observed.listening();
    const child: ChildProcessByStdio<null, Readable, Readable> = spawn(process.execPath, ['--import', 'tsx', 'examples/client/main.ts', '--watch', 'antony-blinken'], {
      cwd: ROOT,
      env: { ...process.env, FACT_SERVICE_URL: http.url },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    let errors = '';
    const changed = new EventEmitter();
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk;
      changed.emit('change');
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (errors += chunk));
    const exited = new Promise<never>((_, reject) => child.once('exit', (code) => reject(new Error(`the example exited with ${code}\n${output}\n${errors}`))));
    const printed = (pattern: RegExp) =>
      Promise.race([
        exited,
        new Promise<void>((resolve) => {
          const check = () => {
            if (!pattern.test(output)) return;
            changed.off('change', check);
            resolve();
          };
          changed.on('change', check);
          check();
        }),
      ]);
    try {
      await Promise.race([exited, listening]);
      const written = await executeAs(app, tokens.write, `mutation ($input: RecordStatementInput!) { recordStatement(input: $input) { __typename } }`, {
        input: { slug: 'example-watch', speaker: 'antony-blinken', text: 'Live from the example', kind: 'PARAPHRASE', source: 'article-china-north-korea-russia', stances: [{ claim: 'nk-troops-kursk-8000', position: 'ASSERTS' }] },
      });
      expect(written.data?.recordStatement.__typename).toBe('MutationRecordStatementSuccess');
      await printed(/^recorded /m);
      expect(output).toMatch(/^watching antony-blinken$/m);
      expect(output).toMatch(/^recorded example-watch by antony-blinken: Live from the example \(ASSERTS nk-troops-kursk-8000\)$/m);
    } finally {
      exited.catch(() => {});
      child.kill('SIGTERM');
    }
  });
});
