import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { EXAMPLE_QUERY } from '../src/graphql/example-query.js';
import { createLogger } from '../src/logger.js';
import { type Service, startService } from '../src/service.js';
import { waitFor } from './support/wait.js';
/** Bound on starting the service (migrations, seed) on a busy machine; the hook gets a minute more. */
const START_MS = 240_000;

const CHROMIUM = '/usr/bin/chromium';
/** Bound on each wait for the page: room for a busy 2-core machine; the failure names what never happened. */
const PAGE_MS = 120_000;
const RESULTS_DIR = fileURLToPath(new URL('../test-results/', import.meta.url));
const available = existsSync(CHROMIUM);
if (!available) {
  console.warn(`Skipping the GraphiQL browser test: ${CHROMIUM} is missing. Install it with: apt-get install -y chromium`);
}

interface TabState {
  tabs: { query: string | null }[];
  activeTabIndex: number;
}

interface ExampleResult {
  data?: { actor: { name: string } | null };
  errors?: unknown[];
}

/** Monaco renders only the lines in view, with non-breaking spaces and soft wraps: compare words, not layout. */
const visibleText = async (locator: Locator) => ((await locator.textContent()) ?? '').replace(/\s+/g, ' ');

async function activeTabQuery(page: Page): Promise<string | null> {
  const stored = await page.evaluate(() => localStorage.getItem('graphiql:tabState'));
  if (!stored) return null;
  const state = JSON.parse(stored) as TabState;
  return state.tabs[state.activeTabIndex]?.query ?? null;
}

const isLocal = (url: string, origin: string) => url.startsWith('data:') || url.startsWith('blob:') || new URL(url).origin === origin;

describe.skipIf(!available)('GraphiQL in Chromium, offline', { timeout: 600_000 }, () => {
  let service: Service;
  let browser: Browser;
  let page: Page;
  let origin: string;
  const requested: string[] = [];
  const blocked: string[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    service = await waitFor('the service to start with GraphiQL', startService(
      loadConfig({ NODE_ENV: 'test', PORT: '0', DATA_DIR: 'memory://', DATABASE_URL: '', GRAPHIQL: 'true', LOG_LEVEL: 'silent' }),
      createLogger('silent'),
    ), START_MS);
    origin = new URL(service.url).origin;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, serviceWorkers: 'block' });
    await context.route('**/*', (route) => {
      const url = route.request().url();
      if (isLocal(url, origin)) return route.continue();
      blocked.push(url);
      return route.abort('blockedbyclient');
    });
    context.on('request', (request) => requested.push(request.url()));
    page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
  }, START_MS + 60_000);

  afterAll(async () => {
    await browser?.close();
    await service?.close();
  });

  it('opens on the example query', async () => {
    await page.goto(service.url, { timeout: PAGE_MS });
    const editor = page.locator('.graphiql-query-editor .view-lines');
    await expect.poll(() => visibleText(editor), { timeout: PAGE_MS, message: 'the query editor to show the example query' }).toContain('query ChinaOnNorthKoreanTroops {');
    expect(await visibleText(editor)).toContain('actor(slug: "china") {');
    await expect.poll(() => activeTabQuery(page), { timeout: PAGE_MS, message: 'GraphiQL to store the example query as the active tab' }).toBe(EXAMPLE_QUERY);
  });

  it('runs it with the execute button and shows the article’s facts', async () => {
    const answered = page.waitForResponse(
      (response) => response.request().method() === 'POST' && (response.request().postData() ?? '').includes('ChinaOnNorthKoreanTroops'),
      { timeout: PAGE_MS },
    );
    await page.locator('button.graphiql-execute-button').click({ timeout: PAGE_MS });
    const response = await waitFor('the answer to the example query run by the execute button', answered, PAGE_MS + 1_000);
    expect(response.status()).toBe(200);
    const body = (await response.json()) as ExampleResult;
    expect(body.errors).toBeUndefined();
    expect(body.data?.actor?.name).toBe('China');

    const result = page.locator('.graphiql-response');
    await expect.poll(() => visibleText(result), { timeout: PAGE_MS, message: 'the result pane to show the answer' }).toContain('"name": "China"');
    expect(await visibleText(result)).toContain('"status": "CONTESTED"');
    await mkdir(RESULTS_DIR, { recursive: true });
    await page.screenshot({ path: `${RESULTS_DIR}graphiql.png` });

    // The quote sits near the end of a long result; scroll the way a reader would.
    const seen: string[] = [];
    await result.hover();
    await expect
      .poll(
        async () => {
          seen.push(await visibleText(result));
          await page.mouse.wheel(0, 400);
          return seen.some((text) => text.includes('two independent sovereign states'));
        },
        { timeout: PAGE_MS, message: 'the quote to scroll into view in the result pane' },
      )
      .toBe(true);
  });

  it('loads Monaco’s web workers from our own origin, without script errors', async () => {
    // Monaco starts its workers when it first needs them: wait for each request rather than assume it came.
    for (const worker of ['editor.worker', 'json.worker', 'graphql.worker']) {
      await waitFor(`Monaco to load ${worker} from ${origin}/graphiql/assets/`, () => requested.some((url) => url.startsWith(`${origin}/graphiql/assets/${worker}.`)), PAGE_MS);
    }
    expect([...new Set(pageErrors.map((message) => message.split('\n')[0]))]).toEqual([]);
  });

  it('never tried to reach a CDN or any other origin', () => {
    expect(requested.some((url) => url === service.url)).toBe(true);
    expect(blocked).toEqual([]);
    expect(requested.filter((url) => !isLocal(url, origin))).toEqual([]);
  });
});
