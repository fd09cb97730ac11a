/**
 * Puts each seed article's text into its bundle's source and gives every DIRECT_QUOTE its offsets into that
 * text (UTF-16 code units, as JavaScript counts). Run once after editing a seed bundle; tests/seed.test.ts
 * checks that the committed bundles are what this script makes of them.
 *
 *   npx tsx scripts/seed-quotes.ts          # rewrite prisma/seed/*.bundle.json
 *   npx tsx scripts/seed-quotes.ts --check  # exit 1 if any would change
 */
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { BundleStatement, FactBundle } from '../src/bundle/format.js';
import { SEED_DIR, seedBundles } from '../src/bundle/seed.js';

const OPENING_MARKS = ['“', '"', '‘', "'"];
const CLOSING_MARKS = ['”', '"', '’', "'"];

function occurrences(text: string, part: string): number[] {
  const found: number[] = [];
  for (let at = text.indexOf(part); at !== -1; at = text.indexOf(part, at + 1)) found.push(at);
  return found;
}

/** Where the article quotes `statement`: its one occurrence, or the one occurrence set inside quote marks. */
export function locateQuote(article: string, statement: Pick<BundleStatement, 'slug' | 'text'>): { start: number; end: number } {
  const all = occurrences(article, statement.text);
  const marked = all.filter((at) => OPENING_MARKS.includes(article[at - 1] ?? '') || CLOSING_MARKS.includes(article[at + statement.text.length] ?? ''));
  const chosen = all.length === 1 ? all : marked;
  const [start] = chosen;
  if (chosen.length !== 1 || start === undefined) {
    throw new Error(`${statement.slug}: the article has ${all.length} occurrence(s) of its text, ${marked.length} inside quote marks: cannot tell which it quotes`);
  }
  return { start, end: start + statement.text.length };
}

/** The bundle with the article as its (only) source's text and the offsets of every direct quote, keys in export order. */
export function withArticle(bundle: FactBundle, article: string): FactBundle {
  if (bundle.sources.length !== 1) throw new Error(`a seed bundle with an article has exactly one source, not ${bundle.sources.length}`);
  return {
    ...bundle,
    sources: bundle.sources.map(({ slug, title, url, publisher, publishedOn }) => ({ slug, title, url, publisher, publishedOn, text: article })),
    statements: bundle.statements.map(({ quote: _quote, retraction, ...statement }) => ({
      ...statement,
      quote: statement.kind === 'DIRECT_QUOTE' ? locateQuote(article, statement) : null,
      ...(retraction ? { retraction } : {}),
    })),
  };
}

const articleOf = (bundleFile: string) => bundleFile.replace(/\.bundle\.json$/, '.txt');

async function main() {
  const check = process.argv.includes('--check');
  let stale = 0;
  for (const file of await seedBundles(SEED_DIR)) {
    const current = await readFile(file, 'utf8');
    const article = await readFile(articleOf(file), 'utf8').catch(() => undefined);
    if (article === undefined) continue;
    const printed = `${JSON.stringify(withArticle(JSON.parse(current) as FactBundle, article), null, 2)}\n`;
    if (printed === current) continue;
    stale += 1;
    if (check) process.stderr.write(`${file} is stale: run npx tsx scripts/seed-quotes.ts\n`);
    else await writeFile(file, printed);
  }
  if (check && stale > 0) process.exit(1);
  process.stdout.write(check ? 'seed quotes are up to date\n' : `updated ${stale} seed bundle(s)\n`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
