import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import axe from 'axe-core';
import { type Browser, type BrowserContext, chromium, type Locator, type Page, type Request, type Route } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BundleStatement, FactBundle } from '../src/bundle/format.js';
import { loadConfig } from '../src/config.js';
import { sha256 } from '../src/http/persisted-operations.js';
import { createLogger } from '../src/logger.js';
import { type Service, startService } from '../src/service.js';
import { adminQuery, usingPostgres } from './support/database.js';
import { waitFor } from './support/wait.js';

const CHROMIUM = '/usr/bin/chromium';
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SCREENSHOTS = join(ROOT, 'test-results', 'web');
const SEED_DIR = join(ROOT, 'prisma', 'seed');
const EXAMPLE_OPERATIONS = join(ROOT, 'examples', 'client', 'generated', 'persisted-documents.json');

/** Bounds for waiting on the page; a busy 2-core machine gets room, and a timeout names what never happened. */
// A starved Chromium has taken over 45 s for one full-page screenshot (flaky-test check, 2026-11-30).
const PAGE_READY_MS = 120_000;
const LIVE_UPDATE_MS = 120_000;
const EVENT_STREAM_OPEN_MS = 60_000;
const BUILD_MS = 240_000;

const available = existsSync(CHROMIUM);
if (!available) console.warn(`Skipping the explorer's browser tests: ${CHROMIUM} is missing. Install it with: apt-get install -y chromium`);

const VIEWPORTS = [
  { name: 'desktop', width: 1280, height: 900 },
  { name: '375px', width: 375, height: 812 },
] as const;

// An editorial tool's write, in the allow list next to the example client's operations: with
// PERSISTED_OPERATIONS=only, the test can change data only the way a real client could.
const RECORD_STATEMENT = `mutation WebTestRecordStatement($input: RecordStatementInput!) {
  recordStatement(input: $input) { __typename ... on Error { message } ... on ValidationError { issues { path message } } }
}`;

type Statement = BundleStatement;

/** What the seed article says, read from its bundle: the expectations below are derived from it, not written out. */
interface Seed {
  bundle: FactBundle;
  actorName(slug: string): string;
  statement(slug: string): Statement;
}

async function readSeed(): Promise<Seed> {
  const files = (await readdir(SEED_DIR)).filter((name) => name.endsWith('.bundle.json')).sort();
  if (!files[0]) throw new Error(`no *.bundle.json in ${SEED_DIR}`);
  const bundle = JSON.parse(await readFile(join(SEED_DIR, files[0]), 'utf8')) as FactBundle;
  const actors = new Map(bundle.actors.map((actor) => [actor.slug, actor.name]));
  const statements = new Map(bundle.statements.map((statement) => [statement.slug, statement]));
  return {
    bundle,
    actorName: (slug) => actors.get(slug) ?? slug,
    statement: (slug) => {
      const found = statements.get(slug);
      if (!found) throw new Error(`the seed has no statement ${slug}`);
      return found;
    },
  };
}

/** The chain a statement answers, root first, as `Statement.thread` defines it. */
function threadOf(seed: Seed, statement: Statement): Statement[] {
  const chain: Statement[] = [];
  for (let current = statement.respondsTo; current; current = seed.statement(current.statement).respondsTo) chain.unshift(seed.statement(current.statement));
  return chain;
}

const SIDE: Record<string, 'for' | 'against' | 'neither'> = { ASSERTS: 'for', SUPPORTS: 'for', DENIES: 'against', QUESTIONS: 'against', DECLINES_TO_CONFIRM: 'neither' };

/** For each side of a claim, the actors a stance counts for (whom the speaker spoke for, else the speaker). */
function sidesOf(seed: Seed, claim: string): Record<'for' | 'against' | 'neither', Set<string>> {
  const sides = { for: new Set<string>(), against: new Set<string>(), neither: new Set<string>() };
  for (const statement of seed.bundle.statements) {
    for (const stance of statement.stances) {
      if (stance.claim !== claim) continue;
      sides[SIDE[stance.position] ?? 'neither'].add(seed.actorName(statement.onBehalfOf ?? statement.speaker));
    }
  }
  return sides;
}

/** Who answered whom in a source: each responding statement is an edge between speakers; the speakers at either end are nodes. */
function graphOf(seed: Seed, source: string) {
  const responses = seed.bundle.statements.filter((statement) => statement.source === source && statement.respondsTo);
  const actors = new Set(responses.flatMap((statement) => [statement.speaker, seed.statement(statement.respondsTo?.statement ?? '').speaker]));
  const kinds = new Map<string, number>();
  for (const statement of responses) kinds.set(statement.respondsTo?.kind ?? '', (kinds.get(statement.respondsTo?.kind ?? '') ?? 0) + 1);
  return { actors, responses, kinds };
}

/**
 * The reader's path through the seed: a person who spoke for a state, one of their statements that answers another
 * (so it has a thread) and takes a stance on a claim with actors on both sides.
 */
function readersPath(seed: Seed) {
  for (const statement of seed.bundle.statements) {
    if (!statement.onBehalfOf || !statement.respondsTo) continue;
    const claim = statement.stances.map((stance) => stance.claim).find((slug) => {
      const sides = sidesOf(seed, slug);
      return sides.for.size > 0 && sides.against.size > 0;
    });
    if (claim) return { statement, speaker: statement.speaker, claim, thread: threadOf(seed, statement), sides: sidesOf(seed, claim) };
  }
  throw new Error('the seed has no statement spoken for someone, answering another, with a stance on a contested claim');
}

interface GraphQLRequestRecord {
  method: string;
  url: string;
  body: string | null;
}

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

declare global {
  interface Window {
    axe: typeof axe;
    webTestMarker?: string;
  }
}

async function axeViolations(page: Page): Promise<AxeViolation[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axe.source);
  const violations = await page.evaluate(async () => (await window.axe.run(document, { resultTypes: ['violations'] })).violations.map((violation) => ({
    id: violation.id,
    impact: violation.impact ?? null,
    help: violation.help,
    targets: violation.nodes.slice(0, 5).map((node) => node.target.join(' ')),
  })));
  return violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical');
}

const hasHorizontalScroll = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);

async function visible(locator: Locator, what: string, timeout = PAGE_READY_MS) {
  try {
    await locator.first().waitFor({ state: 'visible', timeout });
  } catch (error) {
    throw new Error(`${what} did not appear within ${timeout} ms: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
  }
}

/** Starts the service like `npm start` does, on a fresh database (a new schema on DATABASE_URL, or in-memory PGlite). */
async function startExplorerService(operationsFile: string): Promise<{ service: Service; drop(): Promise<void> }> {
  let databaseEnv: Record<string, string> = { DATA_DIR: 'memory://', DATABASE_URL: '' };
  let drop = async () => {};
  if (usingPostgres()) {
    const schema = `t_web_browser_${randomBytes(4).toString('hex')}`;
    await adminQuery('CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public').catch(() => undefined);
    await adminQuery(`CREATE SCHEMA "${schema}"`);
    const url = new URL(process.env.DATABASE_URL ?? '');
    url.searchParams.set('schema', schema);
    databaseEnv = { DATABASE_URL: url.toString() };
    drop = () => adminQuery(`DROP SCHEMA "${schema}" CASCADE`);
  }
  const service = await startService(
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
  return { service, drop };
}

describe.skipIf(!available)('the explorer in Chromium (PERSISTED_OPERATIONS=only)', { timeout: 900_000 }, () => {
  let seed: Seed;
  let path: ReturnType<typeof readersPath>;
  let service: Service;
  let origin: string;
  let browser: Browser;
  let workDir: string;
  let dropDatabase = async () => {};

  beforeAll(async () => {
    // A no-op when web/dist was built from the current sources (npm install builds it).
    const build = await promisify(execFile)(process.execPath, ['scripts/build-web.mjs'], { cwd: ROOT, timeout: BUILD_MS });
    console.log(build.stdout.trim());
    seed = await readSeed();
    path = readersPath(seed);
    workDir = await mkdtemp(join(tmpdir(), 'web-browser-'));
    const operationsFile = join(workDir, 'operations.json');
    const examples = JSON.parse(await readFile(EXAMPLE_OPERATIONS, 'utf8')) as Record<string, string>;
    await writeFile(operationsFile, JSON.stringify({ ...examples, [`sha256:${sha256(RECORD_STATEMENT)}`]: RECORD_STATEMENT }));
    const started = await startExplorerService(operationsFile);
    service = started.service;
    dropDatabase = started.drop;
    origin = new URL(service.url).origin;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    await mkdir(SCREENSHOTS, { recursive: true });
  }, BUILD_MS + 120_000);

  afterAll(async () => {
    await browser?.close();
    await service?.close();
    await dropDatabase();
    if (workDir) await rm(workDir, { recursive: true, force: true });
  });

  /** Records a statement the way an editorial tool would: by the hash of a known mutation, with a write token. */
  async function recordStatement(input: Record<string, unknown>) {
    const response = await fetch(service.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', authorization: `Bearer ${service.bootstrapToken}` },
      body: JSON.stringify({ documentId: `sha256:${sha256(RECORD_STATEMENT)}`, variables: { input } }),
    });
    const result = (await response.json()) as { data?: { recordStatement: { __typename: string } }; errors?: unknown };
    expect(result, JSON.stringify(result)).toEqual({ data: { recordStatement: { __typename: 'MutationRecordStatementSuccess' } } });
  }

  for (const viewport of VIEWPORTS) {
    describe(`at ${viewport.width} px wide`, () => {
      let context: BrowserContext;
      let page: Page;
      const graphqlRequests: GraphQLRequestRecord[] = [];
      const otherOrigins: string[] = [];
      const problems: string[] = [];

      beforeAll(async () => {
        context = await browser.newContext({
          viewport: { width: viewport.width, height: viewport.height },
          serviceWorkers: 'block',
          ...(viewport.width < 500 ? { isMobile: true, hasTouch: true, deviceScaleFactor: 2 } : {}),
        });
        await context.route('**/*', (route) => {
          const url = route.request().url();
          if (url.startsWith(origin) || url.startsWith('data:') || url.startsWith('blob:')) return route.continue();
          otherOrigins.push(url);
          return route.abort('blockedbyclient');
        });
        context.on('request', (request: Request) => {
          if (new URL(request.url()).pathname === '/graphql') graphqlRequests.push({ method: request.method(), url: request.url(), body: request.postData() });
        });
        page = await context.newPage();
        // Navigations and clicks get the same room as any other wait on the page (Playwright's default is 30 s).
        page.setDefaultTimeout(PAGE_READY_MS);
        page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
        page.on('console', (message) => {
          if (message.type() === 'error' && !/ERR_ABORTED|net::ERR_NETWORK_CHANGED/.test(message.text())) problems.push(`console: ${message.text()}`);
        });
      });

      afterAll(() => context?.close());

      it('follows a reader’s path: search → actor → statement → its thread → claim → the sides', async () => {
        const speaker = seed.actorName(path.speaker);
        await page.goto(`${origin}/`);
        const search = page.getByLabel('Search actors, statements and claims');
        await visible(search, 'the search box');
        const query = speaker.split(' ')[0] ?? speaker;
        await search.pressSequentially(query, { delay: 30 });
        // On a busy machine a pause between two keys can outlast the app's typing pause, which commits a prefix
        // ("Volodym") to the address first: wait for the whole word there, then for its results.
        await page
          .waitForFunction((q) => new URL(location.href).searchParams.get('q') === q, query, { timeout: PAGE_READY_MS })
          .catch((error: unknown) => {
            throw new Error(`the address did not carry q=${query} within ${PAGE_READY_MS} ms (it has ${page.url()}): ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
          });
        const actorLink = page.getByRole('region', { name: /^Actors/ }).getByRole('link', { name: speaker, exact: true });
        await visible(actorLink, `the actor "${speaker}" among the search results`);
        expect(new URL(page.url()).searchParams.get('q')).toBe(query);

        await actorLink.click();
        await visible(page.getByRole('heading', { level: 1, name: speaker }), `the actor page of ${speaker}`);
        expect(new URL(page.url()).pathname).toBe(`/actors/${path.speaker}`);
        const wikidataId = seed.bundle.actors.find((actor) => actor.slug === path.speaker)?.wikidataId;
        if (wikidataId) await expect(page.getByRole('link', { name: `Wikidata ${wikidataId}` }).getAttribute('href')).resolves.toContain(wikidataId);

        // Links are found by address: a direct quote's accessible name includes the quotation marks CSS adds.
        await page.getByRole('list', { name: `Statements by ${speaker}` }).locator(`a[href="/statements/${path.statement.slug}"]`).click();
        await visible(page.getByRole('heading', { level: 1, name: `Statement by ${speaker}` }), 'the statement page');
        expect(new URL(page.url()).pathname).toBe(`/statements/${path.statement.slug}`);
        await expect(page.locator('.quote-figure blockquote').textContent()).resolves.toContain(path.statement.text);

        const turns = page.locator('ol.conversation > li .turn-text');
        await expect(turns.allTextContents()).resolves.toEqual([...path.thread, path.statement].map((statement) => statement.text));
        const answered = path.thread.at(-1);
        expect(answered).toBeDefined();
        await page.locator(`ol.conversation a[href="/statements/${answered?.slug}"]`).click();
        await visible(page.getByRole('heading', { level: 1, name: `Statement by ${seed.actorName(answered?.speaker ?? '')}` }), 'the statement it answers');
        const responses = page.getByRole('region', { name: /^Responses/ });
        await visible(responses.locator(`a[href="/statements/${path.statement.slug}"]`), 'the statement among the responses to the one it answers');
        await expect(responses.getByRole('heading', { level: 3 }).allTextContents()).resolves.toContain(`${path.statement.respondsTo?.kind.charAt(0)}${path.statement.respondsTo?.kind.slice(1).toLowerCase()} (${seed.bundle.statements.filter((other) => other.respondsTo?.statement === answered?.slug && other.respondsTo?.kind === path.statement.respondsTo?.kind).length})`);
        await page.goBack();
        await visible(page.getByRole('heading', { level: 1, name: `Statement by ${speaker}` }), 'the statement page again');

        const claim = seed.bundle.claims.find((candidate) => candidate.slug === path.claim);
        await page.getByRole('region', { name: 'Stances' }).getByRole('link', { name: claim?.text ?? '', exact: true }).click();
        await visible(page.getByRole('heading', { level: 1, name: claim?.text ?? '' }), 'the claim page');
        const status = await service.db.prisma.claim.findUniqueOrThrow({ where: { slug: path.claim }, select: { status: true } });
        await expect(page.locator('.status-line .status').textContent()).resolves.toBe(status.status.charAt(0) + status.status.slice(1).toLowerCase());
        for (const [side, title] of [['for', 'Asserting or supporting'], ['against', 'Denying or questioning'], ['neither', 'Declining to confirm']] as const) {
          const names = await page.getByRole('region', { name: new RegExp(`^${title}`) }).locator('.side-actor-name').allTextContents();
          expect(new Set(names), side).toEqual(path.sides[side]);
        }
        await expect(page.locator('.why').textContent()).resolves.toContain([...path.sides.for][0]);
      });

      it('draws who answered whom in the seed article: a node per actor, an edge per response, coloured by kind', async () => {
        const source = path.statement.source;
        const expected = graphOf(seed, source);
        await page.goto(`${origin}/graph/source/${source}`);
        await visible(page.locator('figure.graph[data-state="ready"] svg'), 'the laid-out graph');
        await expect(page.locator('a.graph-node').count()).resolves.toBe(expected.actors.size);
        await expect(page.locator('a.graph-edge').count()).resolves.toBe(expected.responses.length);
        const names = await page.locator('a.graph-node').evaluateAll((nodes) => nodes.map((node) => node.getAttribute('href')));
        expect(new Set(names)).toEqual(new Set([...expected.actors].map((slug) => `/actors/${slug}`)));
        const colours = new Map<string, Set<string>>();
        for (const [kind, count] of expected.kinds) {
          const edges = page.locator(`a.graph-edge.kind-${kind.toLowerCase()}`);
          await expect(edges.count(), kind).resolves.toBe(count);
          colours.set(kind, new Set(await edges.locator('path.line').evaluateAll((lines) => lines.map((line) => getComputedStyle(line).stroke))));
        }
        for (const [kind, strokes] of colours) expect(strokes.size, `${kind} edges share one colour`).toBe(1);
        expect(new Set([...colours.values()].map((strokes) => [...strokes][0])).size, 'each kind its own colour').toBe(colours.size);

        const answerer = path.statement.speaker;
        await page.locator(`a.graph-node[href="/actors/${answerer}"]`).click();
        await visible(page.getByRole('heading', { level: 1, name: seed.actorName(answerer) }), 'the actor page opened from its node');
        await page.goBack();
        await visible(page.locator('figure.graph[data-state="ready"] svg'), 'the graph again');
        await page.locator(`a.graph-edge[href="/statements/${path.statement.slug}"] .edge-label`).click();
        await visible(page.getByRole('heading', { level: 1, name: `Statement by ${seed.actorName(answerer)}` }), 'the statement page opened from its edge');
        expect(new URL(page.url()).pathname).toBe(`/statements/${path.statement.slug}`);
      });

      it('draws the graphs of a claim and of an actor’s neighbourhood', async () => {
        for (const scope of [`claim/${path.claim}`, `actor/${path.speaker}`]) {
          await page.goto(`${origin}/graph/${scope}`);
          await visible(page.locator('figure.graph[data-state="ready"] svg'), `the graph of ${scope}`);
          expect(await page.locator('a.graph-edge').count(), scope).toBeGreaterThan(0);
          await expect(page.locator(`a.graph-node[href="/actors/${scope.startsWith('actor/') ? path.speaker : path.statement.speaker}"]`).count(), scope).resolves.toBe(1);
        }
      });

      it('shows a statement recorded elsewhere on the open actor page, without a reload', async () => {
        const streamOpen = page.waitForResponse(
          (response) => response.request().method() === 'POST' && new URL(response.url()).pathname === '/graphql' && (response.headers()['content-type'] ?? '').startsWith('text/event-stream'),
          { timeout: EVENT_STREAM_OPEN_MS },
        );
        await page.goto(`${origin}/actors/${path.speaker}`);
        await visible(page.getByRole('list', { name: `Statements by ${seed.actorName(path.speaker)}` }), 'the actor’s statements');
        // Yoga starts listening for events while it sends the stream's first bytes, before it reads another
        // request: once the browser has the stream's headers, a write made after that reaches this page.
        await waitFor('the actor page to open its live-update event stream', streamOpen, EVENT_STREAM_OPEN_MS + 1_000);
        await page.evaluate(() => {
          window.webTestMarker = 'still the same page';
        });
        let navigations = 0;
        page.on('framenavigated', (frame) => {
          if (frame === page.mainFrame()) navigations += 1;
        });
        const text = `Recorded while the page was open (${viewport.name}, ${randomBytes(3).toString('hex')})`;
        await recordStatement({
          slug: `web-live-${viewport.name.replace(/\W/g, '')}-${randomBytes(3).toString('hex')}`,
          speaker: path.speaker,
          kind: 'PARAPHRASE',
          text,
          source: path.statement.source,
          stances: [],
        });
        const list = page.getByRole('list', { name: `Statements by ${seed.actorName(path.speaker)}` });
        await visible(list.getByText(text, { exact: true }), 'the new statement', LIVE_UPDATE_MS);
        await visible(page.getByRole('status').filter({ hasText: `New statement by ${seed.actorName(path.speaker)}` }), 'the live announcement');
        expect(await page.evaluate(() => window.webTestMarker)).toBe('still the same page');
        expect(navigations).toBe(0);
      });

      it('follows new statements again after its event stream is cut, and shows what was recorded meanwhile', async () => {
        const isStream = (response: { request(): { method(): string }; url(): string; headers(): Record<string, string> }) =>
          response.request().method() === 'POST' && new URL(response.url()).pathname === '/graphql' && (response.headers()['content-type'] ?? '').startsWith('text/event-stream');
        const firstStream = page.waitForResponse(isStream, { timeout: EVENT_STREAM_OPEN_MS });
        await page.goto(`${origin}/actors/${path.speaker}`);
        const list = page.getByRole('list', { name: `Statements by ${seed.actorName(path.speaker)}` });
        await visible(list, 'the actor’s statements');
        await waitFor('the actor page to open its live-update event stream', firstStream, EVENT_STREAM_OPEN_MS + 1_000);
        await visible(page.getByText('Live: new statements appear here'), 'the live indicator');

        // Hold the page's attempts to open a new stream while the old one is cut, as a network outage would.
        let held = 0;
        const holdStreams = (route: Route) => {
          const request = route.request();
          if (request.method() === 'POST' && (request.postData() ?? '').includes('LiveStatement')) {
            held += 1;
            return route.abort('internetdisconnected');
          }
          return route.continue();
        };
        await page.route(`${origin}/graphql`, holdStreams);
        const problemsBefore = problems.length;
        service.server.closeAllConnections();
        await visible(page.getByText('Not following new statements'), 'the indicator saying the page stopped following', LIVE_UPDATE_MS);
        const during = `Recorded while the stream was cut (${viewport.name}, ${randomBytes(3).toString('hex')})`;
        await recordStatement({ slug: `web-gap-${viewport.name.replace(/\W/g, '')}-${randomBytes(3).toString('hex')}`, speaker: path.speaker, kind: 'PARAPHRASE', text: during, source: path.statement.source, stances: [] });
        await waitFor('the page to try to open the stream again', async () => (held > 0 ? true : undefined), LIVE_UPDATE_MS);

        const reopened = page.waitForResponse(isStream, { timeout: LIVE_UPDATE_MS });
        await page.unroute(`${origin}/graphql`, holdStreams);
        await waitFor('the page to open its event stream again', reopened, LIVE_UPDATE_MS + 1_000);
        await visible(list.getByText(during, { exact: true }), 'the statement recorded while the stream was cut', LIVE_UPDATE_MS);
        await visible(page.getByText('Live: new statements appear here'), 'the live indicator, back on');
        // The browser reports the cut stream and the held attempts as failed loads: this test caused them.
        const caused = /net::(ERR_INCOMPLETE_CHUNKED_ENCODING|ERR_INTERNET_DISCONNECTED)/;
        problems.splice(problemsBefore, problems.length - problemsBefore, ...problems.slice(problemsBefore).filter((problem) => !caused.test(problem)));
        const after = `Recorded after the stream came back (${viewport.name}, ${randomBytes(3).toString('hex')})`;
        await recordStatement({ slug: `web-back-${viewport.name.replace(/\W/g, '')}-${randomBytes(3).toString('hex')}`, speaker: path.speaker, kind: 'PARAPHRASE', text: after, source: path.statement.source, stances: [] });
        await visible(list.getByText(after, { exact: true }), 'the statement recorded after the stream came back', LIVE_UPDATE_MS);
      });

      it('passes axe-core on every page (no serious or critical violations), fits the width, and keeps a screenshot of each', async () => {
        const claim = path.claim;
        const source = path.statement.source;
        const pages: { name: string; url: string; ready: (page: Page) => Locator }[] = [
          { name: 'search', url: '/', ready: (p) => p.locator('.statement-card') },
          { name: 'search-results', url: `/?q=${encodeURIComponent('troops')}`, ready: (p) => p.locator('p.summary') },
          { name: 'actor', url: `/actors/${path.speaker}`, ready: (p) => p.locator('ol.statement-list .statement-card') },
          { name: 'statement', url: `/statements/${path.statement.slug}`, ready: (p) => p.locator('ol.conversation') },
          { name: 'claim', url: `/claims/${claim}`, ready: (p) => p.locator('.sides .side-actor') },
          { name: 'source', url: `/sources/${source}`, ready: (p) => p.locator('ol.statement-list .statement-card') },
          { name: 'graph-source', url: `/graph/source/${source}`, ready: (p) => p.locator('figure.graph[data-state="ready"] svg') },
          { name: 'graph-claim', url: `/graph/claim/${claim}`, ready: (p) => p.locator('figure.graph[data-state="ready"] svg') },
          { name: 'graph-actor', url: `/graph/actor/${path.speaker}`, ready: (p) => p.locator('figure.graph[data-state="ready"] svg') },
          { name: 'settings', url: '/settings', ready: (p) => p.locator('form.token-form') },
          { name: 'not-found', url: '/actors/no-such-actor', ready: (p) => p.getByText('No actor has the slug') },
        ];
        const failures: string[] = [];
        for (const { name, url, ready } of pages) {
          await page.goto(origin + url);
          await visible(ready(page), `the ${name} page`);
          for (const violation of await axeViolations(page)) failures.push(`${name}: ${violation.impact} ${violation.id} (${violation.help}) at ${violation.targets.join(', ')}`);
          if (await hasHorizontalScroll(page)) failures.push(`${name}: wider than the ${viewport.width} px viewport`);
          await page.screenshot({ path: join(SCREENSHOTS, `${viewport.name}-${name}.png`), fullPage: true });
        }
        expect(failures).toEqual([]);
      });

      it('sent only persisted operations: queries by GET with a hash and no text, and reached no other origin', () => {
        expect(graphqlRequests.length).toBeGreaterThan(10);
        for (const request of graphqlRequests) {
          if (request.method === 'GET') {
            const params = new URL(request.url).searchParams;
            expect(params.has('query'), request.url).toBe(false);
            expect(JSON.parse(params.get('extensions') ?? '{}'), request.url).toMatchObject({ persistedQuery: { sha256Hash: expect.stringMatching(/^[0-9a-f]{64}$/) } });
          } else {
            const body = JSON.parse(request.body ?? '{}') as Record<string, unknown>;
            expect(body.query, request.body ?? '').toBeUndefined();
            expect(body, request.body ?? '').toMatchObject({ operationName: 'LiveStatement', extensions: { persistedQuery: { sha256Hash: expect.any(String) } } });
          }
        }
        expect(graphqlRequests.filter((request) => request.method === 'GET').length).toBeGreaterThan(graphqlRequests.length / 2);
        expect(otherOrigins).toEqual([]);
        expect(problems).toEqual([]);
      });
    });
  }
});
