/**
 * Compares schema.graphql with the version on another git ref (main by default) and fails on breaking changes.
 *
 *   npm run schema:diff                         against main
 *   npm run schema:diff -- --base origin/main   against another ref
 *   npm run schema:diff -- --base-file old.graphql
 *   npm run schema:diff -- --allow-breaking     report them, but exit 0 (also ALLOW_BREAKING_CHANGES=1)
 *
 * Exit codes: 0 no breaking change (or allowed), 1 breaking changes, 2 the comparison could not run.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { type Change, CriticalityLevel, diff } from '@graphql-inspector/core';
import { buildSchema } from 'graphql';

export interface SchemaComparison {
  breaking: Change[];
  dangerous: Change[];
  safe: Change[];
}

export async function compareSchemas(baseSdl: string, currentSdl: string): Promise<SchemaComparison> {
  const changes = await diff(buildSchema(baseSdl), buildSchema(currentSdl));
  const at = (level: CriticalityLevel) => changes.filter((change) => change.criticality.level === level);
  return { breaking: at(CriticalityLevel.Breaking), dangerous: at(CriticalityLevel.Dangerous), safe: at(CriticalityLevel.NonBreaking) };
}

export function report(comparison: SchemaComparison, base: string): string {
  const section = (title: string, changes: Change[]) =>
    changes.length ? `${title} (${changes.length}):\n${changes.map((change) => `  - ${change.message}${change.criticality.reason ? `\n      ${change.criticality.reason}` : ''}`).join('\n')}\n` : '';
  const total = comparison.breaking.length + comparison.dangerous.length + comparison.safe.length;
  if (total === 0) return `schema.graphql is the same as on ${base}.\n`;
  return [
    `schema.graphql compared with ${base}:\n`,
    section('Breaking changes', comparison.breaking),
    section('Dangerous changes', comparison.dangerous),
    section('Safe changes', comparison.safe),
  ].join('');
}

const SCHEMA_FILE = fileURLToPath(new URL('../schema.graphql', import.meta.url));

async function baseSchema(args: string[]): Promise<{ sdl: string; label: string }> {
  const fileIndex = args.indexOf('--base-file');
  if (fileIndex >= 0) {
    const file = args[fileIndex + 1];
    if (!file) throw new Error('--base-file needs a path');
    return { sdl: await readFile(file, 'utf8'), label: file };
  }
  const refIndex = args.indexOf('--base');
  const ref = refIndex >= 0 ? args[refIndex + 1] : 'main';
  if (!ref) throw new Error('--base needs a git ref, e.g. main or origin/main');
  try {
    const { stdout } = await promisify(execFile)('git', ['show', `${ref}:schema.graphql`], { cwd: fileURLToPath(new URL('..', import.meta.url)), maxBuffer: 64 * 1024 * 1024 });
    return { sdl: stdout, label: ref };
  } catch {
    throw new Error(`cannot read schema.graphql at git ref "${ref}" (fetch it, or pass --base <ref> or --base-file <path>)`);
  }
}

async function main(args: string[]): Promise<number> {
  const allowBreaking = args.includes('--allow-breaking') || ['1', 'true', 'yes'].includes(process.env.ALLOW_BREAKING_CHANGES ?? '');
  let base: { sdl: string; label: string };
  let current: string;
  try {
    base = await baseSchema(args);
    const currentIndex = args.indexOf('--schema');
    current = await readFile(currentIndex >= 0 ? (args[currentIndex + 1] ?? SCHEMA_FILE) : SCHEMA_FILE, 'utf8');
  } catch (error) {
    process.stderr.write(`schema:diff: ${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  }
  const comparison = await compareSchemas(base.sdl, current);
  process.stdout.write(report(comparison, base.label));
  if (comparison.breaking.length === 0) return 0;
  if (allowBreaking) {
    process.stdout.write(`${comparison.breaking.length} breaking change(s) allowed by --allow-breaking.\n`);
    return 0;
  }
  process.stderr.write(
    `${comparison.breaking.length} breaking change(s): clients written against ${base.label} may fail. Deprecate first, or rerun with --allow-breaking (ALLOW_BREAKING_CHANGES=1) if this is intended.\n`,
  );
  return 1;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  process.exitCode = await main(process.argv.slice(2));
}
