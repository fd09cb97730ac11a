import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import axe from 'axe-core';
import { type Browser, chromium, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { type Service, startService } from '../src/service.js';
import { adminQuery, usingPostgres } from './support/database.js';

const CHROMIUM = '/usr/bin/chromium';
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SCREENSHOTS = join(ROOT, 'test-results', 'web');
const ARTICLE = await readFile(join(ROOT, 'tests', 'fixtures', 'ingest', 'kestrel-ferries.txt'), 'utf8');
const EXAMPLE_OPERATIONS = join(ROOT, 'examples', 'client', 'generated', 'persisted-documents.json');
const QUOTE = 'The technology is ready';
const PAGE_READY_MS = 120_000;
const BUILD_MS = 240_000;

const available = existsSync(CHROMIUM);
if (!available) console.warn(`Skipping the review queue's browser tests: ${CHROMIUM} is missing. Install it with: apt-get install -y chromium`);

const VIEWPORTS = [
  { name: 'desktop', width: 1280, height: 900 },
  { name: '375px', width: 375, height: 812 },
] as const;

declare global {
  interface Window {
    axe: typeof axe;
  }
}

async function seriousViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axe.source);
  const violations = await page.evaluate(async () =>
    (await window.axe.run(document, { resultTypes: ['violations'] })).violations.map((violation) => ({
      id: violation.id,
      impact: violation.impact ?? null,
      targets: violation.nodes.slice(0, 3).map((node) => node.target.join(' ')),
    })),
  );
  return violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical').map((violation) => `${violation.impact} ${violation.id} at ${violation.targets.join(', ')}`);
}

async function visible(locator: Locator, what: string, timeout = PAGE_READY_MS) {
  try {
    await locator.first().waitFor({ state: 'visible', timeout });
  } catch (error) {
    throw new Error(`${what} did not appear within ${timeout} ms: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
  }
}

describe.skipIf(!available)('the review queue in Chromium (PERSISTED_OPERATIONS=only)', { timeout: 600_000 }, () => {
  let service: Service;
  let origin: string;
  let browser: Browser;
  let workDir: string;
  let drop = async () => {};

  beforeAll(async () => {
    await promisify(execFile)(process.execPath, ['scripts/build-web.mjs'], { cwd: ROOT, timeout: BUILD_MS });
    workDir = await mkdtemp(join(tmpdir(), 'web-review-'));
    const operationsFile = join(workDir, 'operations.json');
    await writeFile(operationsFile, await readFile(EXAMPLE_OPERATIONS, 'utf8'));
    let databaseEnv: Record<string, string> = { DATA_DIR: 'memory://', DATABASE_URL: '' };
    if (usingPostgres()) {
      const schema = `t_web_review_${randomBytes(4).toString('hex')}`;
      await adminQuery('CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public').catch(() => undefined);
      await adminQuery(`CREATE SCHEMA "${schema}"`);
      const url = new URL(process.env.DATABASE_URL ?? '');
      url.searchParams.set('schema', schema);
      databaseEnv = { DATABASE_URL: url.toString() };
      drop = () => adminQuery(`DROP SCHEMA "${schema}" CASCADE`);
    }
    service = await startService(
      loadConfig({
        NODE_ENV: 'test',
        PORT: '0',
        LOG_LEVEL: 'silent',
        SEED_ON_START: 'always',
        BOOTSTRAP_ADMIN_TOKEN: 'always',
        PERSISTED_OPERATIONS: 'only',
        PERSISTED_OPERATIONS_FILE: operationsFile,
        ...databaseEnv,
      }),
      createLogger('silent'),
    );
    origin = new URL(service.url).origin;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'] });
    await mkdir(SCREENSHOTS, { recursive: true });
  }, BUILD_MS + 120_000);

  afterAll(async () => {
    await browser?.close();
    await service?.close();
    await drop();
    if (workDir) await rm(workDir, { recursive: true, force: true });
  });

  for (const viewport of VIEWPORTS) {
    it(`at ${viewport.width} px: ingest an article, review its drafts, accept one, and find the statement highlighted in its source`, async () => {
      const context = await browser.newContext({ viewport: { width: viewport.width, height: viewport.height }, ...(viewport.width < 500 ? { isMobile: true, hasTouch: true } : {}) });
      context.setDefaultTimeout(PAGE_READY_MS);
      context.setDefaultNavigationTimeout(PAGE_READY_MS);
      const page = await context.newPage();
      const problems: string[] = [];
      page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
      const failures: string[] = [];
      const check = async (name: string) => {
        for (const violation of await seriousViolations(page)) failures.push(`${name}: ${violation}`);
        if (await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth)) failures.push(`${name}: wider than ${viewport.width} px`);
        await page.screenshot({ path: join(SCREENSHOTS, `${viewport.name}-${name}.png`), fullPage: true });
      };
      try {
        await page.goto(`${origin}/review`);
        const tokenField = page.getByLabel('Token (fs_…)');
        await visible(tokenField, 'the token field of the review queue');
        await check('review-token');
        await tokenField.fill(service.bootstrapToken ?? '');
        await page.getByRole('button', { name: 'Use this token' }).click();
        await visible(page.getByText('Ingest an article', { exact: true }), 'the ingest form');

        await page.getByText('Ingest an article', { exact: true }).click();
        await page.getByLabel('Title', { exact: true }).fill(`Kestrel Ferries goes electric (${viewport.name})`);
        await page.getByLabel('Published on (YYYY-MM-DD)').fill('2026-03-04');
        await page.getByLabel('Text', { exact: true }).fill(ARTICLE);
        await page.getByRole('button', { name: 'Extract drafts' }).click();

        const card = page.locator('article.draft').filter({ has: page.locator('mark', { hasText: QUOTE }) });
        await visible(card, `the draft quoting "${QUOTE}"`);
        expect(new URL(page.url()).pathname).toMatch(/^\/review\/[0-9a-f-]{36}$/);
        await expect(card.count()).resolves.toBe(1);
        await check('review-ingestion');

        await card.getByRole('button', { name: 'Accept', exact: true }).click();
        try {
          await card.waitFor({ state: 'detached', timeout: PAGE_READY_MS });
        } catch {
          throw new Error(`the accepted draft did not leave the pending list within ${PAGE_READY_MS} ms: ${await card.locator('[role=status]').textContent()}`);
        }
        await page.getByLabel('accepted', { exact: true }).check();
        const accepted = page.locator('article.draft').filter({ has: page.locator('mark', { hasText: QUOTE }) });
        await visible(accepted.getByRole('link', { name: 'the statement' }), 'the link to the accepted statement');
        await accepted.getByRole('link', { name: 'the statement' }).click();

        await visible(page.getByRole('heading', { level: 1, name: /^Statement by / }), 'the statement page');
        const highlight = page.getByRole('region', { name: 'In the source' }).locator('mark');
        await visible(highlight, 'the quote highlighted in the source text');
        await expect(highlight.textContent()).resolves.toMatch(new RegExp(`^${QUOTE}`));
        await check('statement-in-source');

        await page.goto(`${origin}/review`);
        await visible(page.getByRole('link', { name: `Kestrel Ferries goes electric (${viewport.name})` }), 'the ingestion in the queue');
        await check('review-queue');
        expect(failures).toEqual([]);
        expect(problems).toEqual([]);
      } finally {
        await context.close();
      }
    });
  }
});
