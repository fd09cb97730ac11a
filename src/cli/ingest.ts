import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import process from 'node:process';
import { parseArgs } from 'node:util';
import { type Config, ConfigError, loadConfig } from '../config.js';
import { type Database, openDatabase } from '../db.js';
import { MigrationError, migrationStatus } from '../db/migrate.js';
import { parseIsoDate } from '../domain/dates.js';
import { draftBundleSchema, extract, type Extraction, IngestInputError, type KnownActor, MAX_TEXT_BYTES, markDuplicates, toBundle, validateInput } from '../ingest/index.js';
import { userInfo } from 'node:os';
import { ValidationFailure } from '../domain/errors.js';
import { ingestArticle } from '../write/review.js';
import { CliError, describeDatabase, errorMessage } from './database.js';

const USAGE =
  'Usage: npm run -s ingest -- <article.txt | -> [--source-title <title>] [--source <slug>] [--publisher <name>] [--published YYYY-MM-DD] [--url <url>] [--format bundle|drafts] [--queue]\n' +
  '  --queue  put the drafts into the review queue (ingestArticle) instead of printing them';

class UsageError extends Error {}

async function readText(file: string): Promise<string> {
  try {
    if (file !== '-') {
      const bytes = await readFile(file);
      if (bytes.length > MAX_TEXT_BYTES * 4) throw new CliError(`${file} is ${bytes.length} bytes; articles over ${MAX_TEXT_BYTES} bytes are refused`);
      return bytes.toString('utf8');
    }
    const parts: Buffer[] = [];
    for await (const part of process.stdin) parts.push(Buffer.isBuffer(part) ? part : Buffer.from(String(part)));
    return Buffer.concat(parts).toString('utf8');
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new CliError(`Could not read ${file}: ${errorMessage(error)}`);
  }
}

/**
 * Opens the configured database to read it, and only that: nothing is created or migrated. A database that has not
 * been migrated is an error that says what to run.
 */
async function openForReading(): Promise<{ db: Database; description: string }> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) throw new CliError(error.message);
    throw error;
  }
  const description = describeDatabase(config.database);
  const notMigrated = (detail: string) =>
    new CliError(`${description} has not been migrated (${detail}): run \`npm run migrate\` (or \`npm start\`, which migrates and seeds) first.`);
  if (config.database.kind === 'pglite' && (!config.database.dataDir || !existsSync(config.database.dataDir))) {
    throw notMigrated(config.database.dataDir ? 'there is no database in that folder yet' : 'an in-memory database starts empty');
  }
  let db: Database;
  try {
    db = await openDatabase(config.database);
  } catch (error) {
    throw new CliError(`Could not open ${description}: ${errorMessage(error)}`);
  }
  try {
    const status = await db.withSession((session) => migrationStatus(session));
    if (status.applied.length === 0) throw notMigrated('no migrations applied');
    if (status.pending.length > 0) throw notMigrated(`${status.pending.length} pending: ${status.pending.join(', ')}`);
    if (status.failed.length > 0) throw new CliError(`${description} has failed migrations (${status.failed.join(', ')}): see \`npm run migrate -- status\`.`);
  } catch (error) {
    await db.close().catch(() => undefined);
    if (error instanceof CliError) throw error;
    if (error instanceof MigrationError) throw notMigrated(error.message);
    throw new CliError(`Could not read the migration status of ${description}: ${errorMessage(error)}`);
  }
  return { db, description };
}

async function knownActors(db: Database): Promise<KnownActor[]> {
  const actors = await db.prisma.actor.findMany({
    select: { slug: true, name: true, kind: true, aliases: true, wikidataId: true, affiliations: { select: { role: true, organization: { select: { slug: true } } } } },
    orderBy: { slug: 'asc' },
  });
  return actors.map((actor) => ({
    slug: actor.slug,
    name: actor.name,
    kind: actor.kind,
    aliases: actor.aliases,
    wikidataId: actor.wikidataId,
    affiliations: actor.affiliations.map((affiliation) => ({ organization: affiliation.organization.slug, role: affiliation.role })),
  }));
}

function summary(extraction: Extraction, actors: number, description: string): string {
  const lines = [`${extraction.drafts.length} drafts from ${actors} known actors in ${description}; ${extraction.newActors.length} new actors proposed. Nothing was written.`];
  for (const draft of extraction.drafts) {
    if (draft.type === 'statement') {
      const who = draft.speaker ? `${draft.speaker.slug}${draft.speaker.isNew ? ' (new)' : ''}` : '(no speaker)';
      const duplicates = draft.duplicates.length > 0 ? ` (already stored: ${draft.duplicates.map((duplicate) => duplicate.slug).join(', ')})` : '';
      lines.push(`  ${draft.confidence.toFixed(2)}  ${draft.kind.padEnd(12)} ${who.padEnd(28)} ${draft.rule}${draft.flags.length > 0 ? ` [${draft.flags.join(', ')}]` : ''}${duplicates}`);
    } else {
      lines.push(`  ${draft.confidence.toFixed(2)}  CLAIM        ${String(draft.quantity.value).padEnd(28)} ${draft.rule}${draft.flags.length > 0 ? ` [${draft.flags.join(', ')}]` : ''}`);
    }
  }
  for (const warning of extraction.warnings) lines.push(`  warning at ${warning.span.start}-${warning.span.end}: ${warning.message}`);
  return lines.join('\n');
}

/** `--queue`: the drafts go into the review queue through the write path, as `ingestArticle` does. */
async function queue(
  database: { db: Database; description: string },
  text: string,
  file: string,
  options: { title: string | undefined; source: string | undefined; publisher: string | undefined; published: string | undefined; url: string | undefined },
): Promise<number> {
  const title = options.title ?? (options.source ? undefined : file === '-' ? 'Untitled article' : basename(file, extname(file)));
  try {
    const { ingestion, created } = await ingestArticle(database.db.prisma, `cli:${userInfo().username}`, {
      source: { slug: options.source ?? null, title: title ?? null, publisher: options.publisher ?? null, url: options.url ?? null },
      text,
      publishedOn: options.published ?? null,
    });
    const counts = await database.db.prisma.ingestionDraft.groupBy({ by: ['kind'], where: { ingestionId: ingestion.id }, _count: { _all: true } });
    const total = counts.reduce((sum, group) => sum + group._count._all, 0);
    const byKind = counts.map((group) => `${group._count._all} ${group.kind}`).join(', ') || 'none';
    process.stdout.write(`${JSON.stringify({ ingestion: ingestion.id, created, source: ingestion.sourceSlug, drafts: total }, null, 2)}\n`);
    process.stderr.write(
      `${created ? 'Queued' : 'Already in the queue, nothing written:'} ${total} drafts (${byKind}) from ${file} for source "${ingestion.sourceSlug}" in ${database.description}.\n` +
        `Review them at /review/${ingestion.id} in the explorer, or in GraphiQL: { ingestion(id: "${ingestion.id}") { drafts(status: PENDING) { id kind text } } }\n`,
    );
    return 0;
  } catch (error) {
    if (error instanceof ValidationFailure) {
      process.stderr.write(`${file}: refused, nothing was written: ${error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`).join('; ')}\n`);
      return 1;
    }
    throw error;
  }
}

async function main(argv: string[]): Promise<number> {
  let file: string;
  let options: {
    title: string | undefined;
    source: string | undefined;
    publisher: string | undefined;
    published: string | undefined;
    url: string | undefined;
    format: 'bundle' | 'drafts';
    queue: boolean;
  };
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      options: {
        'source-title': { type: 'string' },
        source: { type: 'string' },
        queue: { type: 'boolean', default: false },
        publisher: { type: 'string' },
        published: { type: 'string' },
        url: { type: 'string' },
        format: { type: 'string', default: 'bundle' },
        help: { type: 'boolean', short: 'h' },
      },
      allowPositionals: true,
    });
    if (values.help) {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
    if (positionals.length !== 1 || positionals[0] === undefined) throw new UsageError('expected one article file');
    if (values.format !== 'bundle' && values.format !== 'drafts') throw new UsageError('--format must be bundle or drafts');
    if (values.published !== undefined && parseIsoDate(values.published) === undefined) throw new UsageError('--published must be a calendar date as YYYY-MM-DD');
    file = positionals[0];
    options = {
      title: values['source-title'],
      source: values.source,
      publisher: values.publisher,
      published: values.published,
      url: values.url,
      format: values.format,
      queue: values.queue ?? false,
    };
  } catch (error) {
    process.stderr.write(`${errorMessage(error)}\n${USAGE}\n`);
    return 2;
  }

  let database: Awaited<ReturnType<typeof openForReading>> | undefined;
  try {
    const text = await readText(file);
    validateInput({ text, publishedOn: options.published ?? null });
    database = await openForReading();
    if (options.queue) return await queue(database, text, file, options);
    const actors = await knownActors(database.db);
    const drafted = extract({ text, publishedOn: options.published ?? null, actors });
    const texts = drafted.drafts.flatMap((draft) => (draft.type === 'statement' ? [draft.text] : []));
    const stored = await database.db.prisma.statement.findMany({ where: { text: { in: texts } }, select: { slug: true, text: true } });
    const extraction = markDuplicates(drafted, stored);
    const title = options.title ?? (file === '-' ? 'Untitled article' : basename(file, extname(file)));
    const bundle = toBundle(text, extraction, { title, publisher: options.publisher ?? null, url: options.url ?? null, publishedOn: options.published ?? null });
    const checked = draftBundleSchema.safeParse(bundle);
    if (!checked.success) throw new CliError(`The drafts do not form a valid bundle (a bug): ${checked.error.issues.map((issue) => `/${issue.path.join('/')}: ${issue.message}`).join('; ')}`);
    process.stdout.write(`${JSON.stringify(options.format === 'drafts' ? extraction : bundle, null, 2)}\n`);
    process.stderr.write(`${summary(extraction, actors.length, database.description)}\n`);
    return 0;
  } catch (error) {
    if (error instanceof IngestInputError) {
      process.stderr.write(`${file}: the text was refused: ${error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`).join('; ')}\n`);
      return 1;
    }
    process.stderr.write(`${error instanceof CliError ? error.message : `Ingest failed, nothing was written: ${errorMessage(error)}`}\n`);
    return 1;
  } finally {
    await database?.db.close().catch(() => undefined);
  }
}

process.exitCode = await main(process.argv.slice(2));
