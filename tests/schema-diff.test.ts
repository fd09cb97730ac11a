import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareSchemas } from '../scripts/schema-diff.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

const BASE = /* GraphQL */ `
  type Query { actor(slug: String!): Actor }
  type Actor { slug: String! name: String! wikidataId: String }
  enum Position { ASSERTS DENIES }
`;

async function runScript(args: string[], env: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'scripts/schema-diff.ts', ...args], {
      cwd: ROOT,
      env: { ...process.env, ALLOW_BREAKING_CHANGES: '', ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('breaking-change check of schema.graphql (@graphql-inspector/core)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'schema-diff-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('sorts changes into breaking, dangerous and safe', async () => {
    const removed = await compareSchemas(BASE, BASE.replace('wikidataId: String', ''));
    expect(removed.breaking.map((change) => change.message)).toEqual(["Field 'wikidataId' was removed from object type 'Actor'"]);
    const added = await compareSchemas(BASE, BASE.replace('wikidataId: String', 'wikidataId: String aliases: [String!]!'));
    expect(added.breaking).toEqual([]);
    expect(added.safe.map((change) => change.message)).toEqual(["Field 'aliases' was added to object type 'Actor'"]);
    const widened = await compareSchemas(BASE, BASE.replace('ASSERTS DENIES', 'ASSERTS DENIES QUESTIONS'));
    expect(widened.breaking).toEqual([]);
    expect(widened.dangerous.map((change) => change.message)).toEqual(["Enum value 'QUESTIONS' was added to enum 'Position'"]);
    const required = await compareSchemas(BASE, BASE.replace('actor(slug: String!)', 'actor(slug: String!, kind: String!)'));
    expect(required.breaking.map((change) => change.type)).toEqual(['FIELD_ARGUMENT_ADDED']);
  });

  it('fails (exit 1) on a breaking change, naming it, unless told to allow it', async () => {
    const base = join(dir, 'base.graphql');
    const current = join(dir, 'current.graphql');
    await writeFile(base, BASE);
    await writeFile(current, BASE.replace('name: String!', 'name: String'));
    const failed = await runScript(['--base-file', base, '--schema', current]);
    expect(failed.code).toBe(1);
    expect(failed.stdout).toMatch(/Breaking changes \(1\):\n {2}- Field 'Actor.name' changed type from 'String!' to 'String'/);
    expect(failed.stderr).toMatch(/1 breaking change\(s\).*--allow-breaking/);
    expect((await runScript(['--base-file', base, '--schema', current, '--allow-breaking'])).code).toBe(0);
    expect((await runScript(['--base-file', base, '--schema', current], { ALLOW_BREAKING_CHANGES: '1' })).code).toBe(0);
  });

  it('passes (exit 0) on safe changes, and reads the base from git', async () => {
    const current = join(dir, 'head.graphql');
    const { stdout } = await promisify(execFile)('git', ['show', 'HEAD:schema.graphql'], { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 });
    await writeFile(current, `${stdout}\ntype Extra { note: String }\n`);
    const result = await runScript(['--base', 'HEAD', '--schema', current]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^schema\.graphql compared with HEAD:\nSafe changes \(2\):/);
  });

  it('says so (exit 2) when the base cannot be read', async () => {
    const result = await runScript(['--base', 'no-such-ref-anywhere']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/cannot read schema\.graphql at git ref "no-such-ref-anywhere"/);
  });
});
