import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import process from 'node:process';
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { type BundleSelection, exportBundle, jsonChunks, SelectionError } from '../bundle/export.js';
import { claimsAsJsonLd } from '../bundle/jsonld.js';
import { CliError, errorMessage, openConfiguredDatabase } from './database.js';

// npm prints its own banner on stdout: redirect with `npm run -s export`, or use --output.
const USAGE = 'Usage: npm run -s export -- [--actor slug]... [--source slug]... [--claim slug]... [--format bundle|jsonld] [--output file.json]';
const FLUSH_AT = 1 << 20;

class UsageError extends Error {}

async function write(out: Writable, chunks: Iterable<string>) {
  let buffer = '';
  const flush = async () => {
    if (buffer && !out.write(buffer)) await once(out, 'drain');
    buffer = '';
  };
  for (const chunk of chunks) {
    buffer += chunk;
    if (buffer.length >= FLUSH_AT) await flush();
  }
  buffer += '\n';
  await flush();
}

async function main(argv: string[]): Promise<number> {
  let selection: BundleSelection;
  let format: 'bundle' | 'jsonld';
  let output: string | undefined;
  try {
    const { values } = parseArgs({
      args: argv,
      options: {
        actor: { type: 'string', multiple: true },
        source: { type: 'string', multiple: true },
        claim: { type: 'string', multiple: true },
        format: { type: 'string', default: 'bundle' },
        output: { type: 'string', short: 'o' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help) {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
    if (values.format !== 'bundle' && values.format !== 'jsonld') throw new UsageError(`--format must be bundle or jsonld, got "${values.format}"`);
    format = values.format;
    output = values.output;
    selection = { actors: values.actor, sources: values.source, claims: values.claim };
  } catch (error) {
    process.stderr.write(`${errorMessage(error)}\n${USAGE}\n`);
    return 2;
  }

  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  });
  let database: Awaited<ReturnType<typeof openConfiguredDatabase>> | undefined;
  try {
    database = await openConfiguredDatabase();
    const document = format === 'bundle' ? await exportBundle(database.db.prisma, selection) : await claimsAsJsonLd(database.db.prisma, selection);
    if (output === undefined) {
      await write(process.stdout, jsonChunks(document));
    } else {
      const file = createWriteStream(output);
      await write(file, jsonChunks(document));
      file.end();
      await finished(file);
      process.stderr.write(`wrote ${output}\n`);
    }
    return 0;
  } catch (error) {
    if (error instanceof SelectionError || error instanceof CliError) process.stderr.write(`${error.message}\n`);
    else process.stderr.write(`Export failed: ${errorMessage(error)}\n`);
    return 1;
  } finally {
    await database?.db.close().catch(() => undefined);
  }
}

process.exitCode = await main(process.argv.slice(2));
