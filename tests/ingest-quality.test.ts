import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseBundle } from '../src/bundle/format.js';
import { extract, knownActorsFromBundle, type QualityReport, qualityTable, score } from '../src/ingest/index.js';

const root = fileURLToPath(new URL('..', import.meta.url));

interface Gold {
  article: string;
  text: string;
  bundle: Parameters<typeof knownActorsFromBundle>[0] & Parameters<typeof score>[1];
  publishedOn: string | null;
}

function load(article: string, textFile: string, bundleFiles: string[]): Gold {
  const bundles = bundleFiles.map((file) => {
    const parsed = parseBundle(JSON.parse(readFileSync(join(root, file), 'utf8')));
    if (!parsed.ok) throw new Error(`${file} is not a valid bundle: ${JSON.stringify(parsed.issues)}`);
    return parsed.bundle;
  });
  return {
    article,
    text: readFileSync(join(root, textFile), 'utf8'),
    bundle: { actors: bundles.flatMap((bundle) => bundle.actors), statements: bundles.flatMap((bundle) => bundle.statements) },
    publishedOn: bundles[0]?.sources[0]?.publishedOn ?? null,
  };
}

const seedBundles = readdirSync(join(root, 'prisma/seed')).filter((file) => file.endsWith('.bundle.json')).map((file) => `prisma/seed/${file}`);
const articles = [
  load('seed: China, North Korea, Russia', 'prisma/seed/china-north-korea-russia.txt', seedBundles),
  load('gold: Aldmoor flood barrier', 'tests/fixtures/ingest/aldmoor-flood-barrier.txt', ['tests/fixtures/ingest/aldmoor-flood-barrier.bundle.json']),
  load('third: Kestrel Ferries', 'tests/fixtures/ingest/kestrel-ferries.txt', ['tests/fixtures/ingest/kestrel-ferries.bundle.json']),
];

const rows: { article: string; actors: string; report: QualityReport }[] = [];
for (const gold of articles) {
  for (const actorsKnown of [true, false]) {
    const extraction = extract({ text: gold.text, publishedOn: gold.publishedOn, actors: actorsKnown ? knownActorsFromBundle(gold.bundle) : [] });
    rows.push({ article: gold.article, actors: actorsKnown ? 'yes' : 'none', report: score(gold.text, gold.bundle, extraction, { actorsKnown }) });
  }
}

describe('extraction quality on the gold articles', () => {
  it('prints the quality table', () => {
    process.stdout.write(`\n${qualityTable(rows)}\n\n`);
    for (const row of rows) {
      if (row.report.misses.length > 0) process.stdout.write(`${row.article}, actors ${row.actors}:\n  ${row.report.misses.join('\n  ')}\n`);
    }
    expect(rows).toHaveLength(6);
  });

  for (const row of rows) {
    if (row.actors === 'yes') {
      it(`${row.article}, actors known: direct-quote F1 ≥ 0.9 (exact and overlap) and speaker accuracy ≥ 0.9`, () => {
        expect(row.report.goldQuotes).toBeGreaterThan(5);
        expect(row.report.overlap.f1).toBeGreaterThanOrEqual(0.9);
        expect(row.report.exact.f1).toBeGreaterThanOrEqual(0.9);
        expect(row.report.speaker.accuracy).toBeGreaterThanOrEqual(0.9);
        expect(row.report.speaker.total).toBe(row.report.overlap.truePositives);
      });
    } else {
      it(`${row.article}, empty database: speaker accuracy ≥ 0.8`, () => {
        expect(row.report.speaker.accuracy).toBeGreaterThanOrEqual(0.8);
      });
    }
  }
});
