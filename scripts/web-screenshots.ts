/**
 * Writes the README's screenshots of the explorer (docs/explorer-*.png) from a service started in memory on
 * the seed article, in Debian's Chromium. Run `npm run build:web` first.
 *
 *   npm run docs:screenshots
 */
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { startService } from '../src/service.js';

const DOCS = fileURLToPath(new URL('../docs/', import.meta.url));
const SHOTS = [
  { file: 'explorer-statement.png', path: '/statements/lin-does-not-know-specifics', ready: 'ol.conversation' },
  { file: 'explorer-claim.png', path: '/claims/china-neutral-on-ukraine-war', ready: '.sides .side-actor' },
  { file: 'explorer-graph.png', path: '/graph/source/article-china-north-korea-russia', ready: 'figure.graph[data-state="ready"] svg' },
];

const service = await startService(
  loadConfig({ NODE_ENV: 'test', PORT: '0', DATA_DIR: 'memory://', DATABASE_URL: '', LOG_LEVEL: 'silent', BOOTSTRAP_ADMIN_TOKEN: 'never' }),
  createLogger('silent'),
);
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
try {
  await mkdir(DOCS, { recursive: true });
  const page = await browser.newPage({ viewport: { width: 960, height: 760 } });
  const origin = new URL(service.url).origin;
  for (const shot of SHOTS) {
    await page.goto(origin + shot.path);
    await page.locator(shot.ready).first().waitFor({ state: 'visible', timeout: 30_000 });
    await page.screenshot({ path: `${DOCS}${shot.file}` });
    process.stdout.write(`docs/${shot.file}\n`);
  }
} finally {
  await browser.close();
  await service.close();
}
