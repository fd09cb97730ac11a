import { existsSync } from 'node:fs';
import { type Browser, chromium, type Locator, type Page, type Response } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { type Service, startService } from '../src/service.js';
import { waitFor } from './support/wait.js';
/** Bound on starting the service (migrations, seed) on a busy machine; the hook gets a minute more. */
const START_MS = 240_000;

const CHROMIUM = '/usr/bin/chromium';
/** Bound on each wait for the page: room for a busy 2-core machine; the failure names what never happened. */
const PAGE_MS = 120_000;
const STREAM_OPEN_MS = 60_000;
const available = existsSync(CHROMIUM);
if (!available) {
  console.warn(`Skipping the GraphiQL subscription test: ${CHROMIUM} is missing. Install it with: apt-get install -y chromium`);
}

const SUBSCRIPTION = 'subscription LiveLinJian { statementRecorded(speaker: "lin-jian") { slug speaker { name } } }';
const visibleText = async (locator: Locator) => ((await locator.textContent()) ?? '').replace(/\s+/g, ' ');

describe.skipIf(!available)('GraphiQL runs a subscription (SSE) in Chromium, through CSRF prevention', { timeout: 600_000 }, () => {
  let service: Service;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    service = await waitFor('the service to start with GraphiQL', startService(
      loadConfig({ NODE_ENV: 'test', PORT: '0', DATA_DIR: 'memory://', DATABASE_URL: '', GRAPHIQL: 'true', LOG_LEVEL: 'silent', BOOTSTRAP_ADMIN_TOKEN: 'always' }),
      createLogger('silent'),
    ), START_MS);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
    page = await (await browser.newContext({ viewport: { width: 1440, height: 900 }, serviceWorkers: 'block' })).newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
  }, START_MS + 60_000);
  afterAll(async () => {
    await browser?.close();
    await service?.close();
  });

  it('shows a statement recorded after the subscription started', async () => {
    const introspected = page.waitForResponse((response) => (response.request().postData() ?? '').includes('IntrospectionQuery'), { timeout: PAGE_MS });
    await page.goto(service.url, { timeout: PAGE_MS });
    await waitFor('GraphiQL to introspect the schema', introspected, PAGE_MS + 1_000);
    const editor = page.locator('.graphiql-query-editor .view-lines');
    await expect.poll(() => visibleText(editor), { timeout: PAGE_MS, message: 'the query editor to show the example query' }).toContain('query ChinaOnNorthKoreanTroops');
    await editor.click({ timeout: PAGE_MS });
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.press('Delete');
    await page.keyboard.insertText(SUBSCRIPTION);
    await expect.poll(() => visibleText(editor), { timeout: PAGE_MS, message: 'the editor to show the typed subscription' }).toContain('subscription LiveLinJian');
    // Close the completion list typing may have opened, so the click reaches the button.
    await page.keyboard.press('Escape');

    // GraphiQL subscribes with a GET event stream: the kind of request CSRF prevention refuses without its header.
    // On a loaded machine the first click can land while the editor still holds focus; a second one starts it then.
    const isStream = (candidate: Response) => new URL(candidate.url()).searchParams.get('operationName') === 'LiveLinJian';
    let response: Response | undefined;
    for (let attempt = 0; attempt < 3 && !response; attempt += 1) {
      const streaming = page.waitForResponse(isStream, { timeout: STREAM_OPEN_MS }).catch(() => undefined);
      await page.keyboard.press('Escape');
      await page.locator('button.graphiql-execute-button').click({ timeout: PAGE_MS });
      response = await streaming;
    }
    if (!response) throw new Error(`timed out waiting for GraphiQL to open the subscription stream (3 clicks on the execute button, ${STREAM_OPEN_MS} ms each)`);
    expect(response.status()).toBe(200);
    expect(response.headers()['content-type']).toMatch(/^text\/event-stream/);

    // The response has started, so the subscription is listening; the write goes through the API like any client's.
    const written = await fetch(service.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${service.bootstrapToken}` },
      body: JSON.stringify({
        query: `mutation { recordStatement(input: { slug: "lin-live-in-graphiql", speaker: "lin-jian", text: "Seen live in GraphiQL", kind: PARAPHRASE, source: "article-china-north-korea-russia" }) { __typename } }`,
      }),
    });
    expect(await written.json()).toEqual({ data: { recordStatement: { __typename: 'MutationRecordStatementSuccess' } } });

    const result = page.locator('.graphiql-response');
    await expect.poll(() => visibleText(result), { timeout: PAGE_MS, message: 'the result pane to show the statement recorded after the subscription started' }).toContain('"slug": "lin-live-in-graphiql"');
    expect(await visibleText(result)).toContain('"name": "Lin Jian"');
    expect([...new Set(pageErrors.map((message) => message.split('\n')[0]))]).toEqual([]);
  });
});
