import { readFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import process from 'node:process';
import { parseArgs } from 'node:util';
import { type BundleIssue, parseBundle } from '../bundle/format.js';
import { BundleError, type ImportReport, importBundle } from '../bundle/import.js';
import { ValidationFailure } from '../domain/errors.js';
import { importClaimReviews } from '../write/claim-review-import.js';
import { CliError, errorMessage, openConfiguredDatabase } from './database.js';

const USAGE = 'Usage: npm run import -- <file.json | -> [--dry-run] [--json] [--claim-review]\n  --claim-review  the file is schema.org ClaimReview JSON-LD (one ClaimReview or a DataFeed), not a fact bundle';
const SHOWN_ISSUES = 100;
const TYPES = ['sources', 'actors', 'affiliations', 'claims', 'statements', 'stances'] as const;
const COLUMNS = ['created', 'updated', 'unchanged', 'deleted'] as const;

class UsageError extends Error {}

async function readStdin(): Promise<string> {
  const parts: Buffer[] = [];
  for await (const part of process.stdin) parts.push(Buffer.isBuffer(part) ? part : Buffer.from(String(part)));
  return Buffer.concat(parts).toString('utf8');
}

async function readBundle(file: string): Promise<unknown> {
  let text: string;
  try {
    text = file === '-' ? await readStdin() : await readFile(file, 'utf8');
  } catch (error) {
    throw new CliError(`Could not read ${file}: ${errorMessage(error)}`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new CliError(`${file} is not JSON: ${errorMessage(error)}`);
  }
}

export function reportTable(report: ImportReport): string {
  const rows = [['', ...COLUMNS], ...TYPES.map((type) => [type, ...COLUMNS.map((column) => String(report[type][column]))])];
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((row) => row[i]?.length ?? 0))) ?? [];
  return rows.map((row) => row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join('  ')).join('\n');
}

function issueList(issues: BundleIssue[]): string {
  const shown = issues.slice(0, SHOWN_ISSUES).map((issue) => `  ${issue.path || '/'}: ${issue.message}`);
  if (issues.length > SHOWN_ISSUES) shown.push(`  … and ${issues.length - SHOWN_ISSUES} more`);
  return shown.join('\n');
}

async function main(argv: string[]): Promise<number> {
  let file: string;
  let dryRun: boolean;
  let json: boolean;
  let claimReview: boolean;
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      options: {
        'dry-run': { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        'claim-review': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h' },
      },
      allowPositionals: true,
    });
    if (values.help) {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
    if (positionals.length !== 1 || positionals[0] === undefined) throw new UsageError('expected one bundle file');
    file = positionals[0];
    dryRun = values['dry-run'];
    json = values.json;
    claimReview = values['claim-review'];
  } catch (error) {
    process.stderr.write(`${errorMessage(error)}\n${USAGE}\n`);
    return 2;
  }

  const fail = (message: string, issues: BundleIssue[] = []) => {
    process.stderr.write(`${message}${issues.length > 0 ? `\n${issueList(issues)}` : ''}\n`);
    if (json) process.stdout.write(`${JSON.stringify({ ok: false, error: message, issues }, null, 2)}\n`);
    return 1;
  };
  const invalid = (issues: BundleIssue[]) => fail(`${file}: the bundle is invalid (${issues.length} problem${issues.length === 1 ? '' : 's'}):`, issues);

  let database: Awaited<ReturnType<typeof openConfiguredDatabase>> | undefined;
  try {
    const input = await readBundle(file);
    if (claimReview) {
      database = await openConfiguredDatabase();
      const result = await importClaimReviews(database.db.prisma, input, { dryRun, writer: `cli:${userInfo().username}` });
      const summary = `${dryRun ? 'Dry run: nothing was written. ' : ''}${result.reviews.length} review(s); created ${JSON.stringify(result.created)}`;
      process.stdout.write(json ? `${JSON.stringify({ ok: true, ...result }, null, 2)}\n` : `${summary}\n${result.warnings.map((w) => `  warning ${w.path.join('/')}: ${w.message}`).join('\n')}\n`);
      return 0;
    }
    const parsed = parseBundle(input);
    if (!parsed.ok) return invalid(parsed.issues);
    database = await openConfiguredDatabase();
    const started = performance.now();
    const writer = `cli:${userInfo().username}`;
    const report = await importBundle(database.db.prisma, parsed.bundle, { dryRun, writer });
    const seconds = (performance.now() - started) / 1000;
    if (json) {
      process.stdout.write(`${JSON.stringify({ ok: true, ...report }, null, 2)}\n`);
    } else {
      const what = dryRun ? `Dry run of ${file} against ${database.description}: nothing was written.` : `Imported ${file} into ${database.description}.`;
      const warnings = (report.warnings ?? []).map((warning) => `warning ${warning.path}: ${warning.message}`);
      process.stdout.write(`${what}\n\n${reportTable(report)}\n\n${warnings.length > 0 ? `${warnings.join('\n')}\n\n` : ''}${seconds.toFixed(2)} s\n`);
    }
    return 0;
  } catch (error) {
    if (error instanceof BundleError) return invalid(error.issues);
    if (error instanceof ValidationFailure) return fail(`${file}: ${error.message}`, error.issues.map((issue) => ({ path: `/${issue.path.join('/')}`, message: issue.message })));
    if (error instanceof CliError) return fail(error.message);
    return fail(`Import failed, nothing was written: ${errorMessage(error)}`);
  } finally {
    await database?.db.close().catch(() => undefined);
  }
}

process.exitCode = await main(process.argv.slice(2));
