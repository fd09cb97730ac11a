import { SaxesParser } from 'saxes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seed } from '../src/bundle/seed.js';
import { actorSearchText } from '../src/domain/actors.js';
import type { PrismaClient } from '../src/generated/prisma/client.js';
import { memoryStore } from '../src/http/rate-limit.js';
import { createLogger } from '../src/logger.js';
import { type App, createApp } from '../src/server.js';
import { createTokens, executeAs, type Tokens } from './support/auth.js';
import { createTestDatabase, databaseLabel, type TestDatabase } from './support/database.js';
import { createTestApp, query } from './support/graphql.js';
import { waitFor } from './support/wait.js';

interface Node {
  name: string;
  attributes: Record<string, string>;
  children: Node[];
  text: string;
}

/** A strict XML 1.0 parse (namespaces on): throws on anything not well-formed, including characters XML forbids. */
function parseXml(source: string): Node {
  const parser = new SaxesParser({ xmlns: true });
  const root: Node = { name: '#document', attributes: {}, children: [], text: '' };
  const stack = [root];
  parser.on('error', (error) => {
    throw error;
  });
  parser.on('opentag', (tag) => {
    const node: Node = { name: `{${tag.uri}}${tag.local}`, attributes: Object.fromEntries(Object.values(tag.attributes).map((a) => [a.local, a.value])), children: [], text: '' };
    stack.at(-1)?.children.push(node);
    stack.push(node);
  });
  parser.on('text', (text) => {
    const top = stack.at(-1);
    if (top) top.text += text;
  });
  parser.on('closetag', () => void stack.pop());
  parser.write(source).close();
  const [feed] = root.children;
  if (!feed) throw new Error('no root element');
  return feed;
}

const ATOM = '{http://www.w3.org/2005/Atom}';
const child = (node: Node | undefined, name: string) => node?.children.find((c) => c.name === ATOM + name);
const all = (node: Node | undefined, name: string) => node?.children.filter((c) => c.name === ATOM + name) ?? [];
const entries = (feed: Node) => all(feed, 'entry');
const entrySlug = (entry: Node) => all(entry, 'link').find((l) => l.attributes.rel === 'alternate')?.attributes.href?.split('/statements/')[1];

let test: TestDatabase;
let app: App;
let tokens: Tokens;

const get = (path: string, headers: Record<string, string> = {}, origin = 'http://facts.test') => app.fetch(`${origin}${path}`, { headers });

async function feed(path: string, headers: Record<string, string> = {}) {
  const response = await get(path, headers);
  expect(response.status, path).toBe(200);
  expect(response.headers.get('content-type')).toBe('application/atom+xml; charset=utf-8');
  const body = await response.text();
  return { response, body, feed: parseXml(body) };
}

async function record(slug: string, text: string, speaker = 'china') {
  const result = await executeAs(app, tokens.write, `mutation($input: RecordStatementInput!) { recordStatement(input: $input) { __typename ... on MutationRecordStatementSuccess { data { id } } } }`, {
    input: { slug, speaker, kind: 'PARAPHRASE', text, source: 'article-china-north-korea-russia', stances: [{ claim: 'nk-troops-kursk-8000', position: 'QUESTIONS' }] },
  });
  expect(result.data?.recordStatement.__typename, JSON.stringify(result)).toBe('MutationRecordStatementSuccess');
  return result.data?.recordStatement.data.id as string;
}

beforeAll(async () => {
  test = await createTestDatabase('feeds');
  await seed(test.db.prisma);
  app = createTestApp(test);
  tokens = await createTokens(test);
});

afterAll(async () => {
  await test?.close();
});

describe(`Atom feeds on ${databaseLabel()}`, () => {
  it('lists what an actor said and what was said on its behalf, as statements(actor:) does', async () => {
    const { feed: doc } = await feed('/feeds/statements.atom?actor=china&limit=100');
    expect(doc.name).toBe(`${ATOM}feed`);
    expect(child(doc, 'title')?.text).toBe('Statements by China');
    expect(child(doc, 'id')?.text).toMatch(/^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(all(doc, 'link').map((l) => l.attributes.rel).sort()).toEqual(['alternate', 'self']);
    expect(all(doc, 'link').find((l) => l.attributes.rel === 'alternate')?.attributes.href).toBe('http://facts.test/actors/china');
    const data = await query<{ statements: { edges: { node: { slug: string } }[] } }>(app, '{ statements(actor: "china", first: 100) { edges { node { slug } } } }');
    expect(entries(doc).map(entrySlug).sort()).toEqual(data.statements.edges.map((edge) => edge.node.slug).sort());
    const lin = entries(doc).find((entry) => entrySlug(entry) === 'lin-does-not-know-specifics');
    expect(child(child(lin, 'author'), 'name')?.text).toBe('Lin Jian');
    expect(child(lin, 'title')?.text).toMatch(/^Lin Jian \(for China\): does not know/);
    expect(child(lin, 'id')?.text).toMatch(/^urn:uuid:/);
    expect(child(lin, 'content')?.attributes.type).toBe('html');
    expect(child(lin, 'content')?.text).toContain('<blockquote><p>does not know the specific situation');
    for (const entry of entries(doc)) expect(Number.isNaN(Date.parse(child(entry, 'updated')?.text ?? ''))).toBe(false);
    const updated = entries(doc).map((entry) => child(entry, 'updated')?.text ?? '');
    expect(updated).toEqual([...updated].sort().reverse());
  });

  it('keeps ids stable: the same saved search has the same feed id on any host and in any parameter order', async () => {
    const a = parseXml(await (await get('/feeds/statements.atom?source=article-china-north-korea-russia&actor=china')).text());
    const b = parseXml(await (await get('/feeds/statements.atom?actor=china&source=article-china-north-korea-russia', {}, 'https://mirror.example')).text());
    expect(child(a, 'id')?.text).toBe(child(b, 'id')?.text);
    expect(entries(a).map((entry) => child(entry, 'id')?.text)).toEqual(entries(b).map((entry) => child(entry, 'id')?.text));
    const other = parseXml(await (await get('/feeds/statements.atom?actor=russia')).text());
    expect(child(other, 'id')?.text).not.toBe(child(a, 'id')?.text);
  });

  it('has feeds by claim, by source and claims by topic', async () => {
    const byClaim = (await feed('/feeds/statements.atom?claim=nk-troops-kursk-8000')).feed;
    const onClaim = await query<{ claim: { stances: { statement: { slug: string } }[] } }>(app, '{ claim(slug: "nk-troops-kursk-8000") { stances { statement { slug } } } }');
    expect(entries(byClaim).map(entrySlug).sort()).toEqual(onClaim.claim.stances.map((stance) => stance.statement.slug).sort());
    const bySource = (await feed('/feeds/statements.atom?source=article-china-north-korea-russia&limit=3')).feed;
    expect(entries(bySource)).toHaveLength(3);
    const byTopic = (await feed('/feeds/claims.atom?topic=kursk')).feed;
    expect(child(byTopic, 'title')?.text).toBe('Claims on kursk');
    expect(entries(byTopic).length).toBeGreaterThan(0);
    for (const entry of entries(byTopic)) {
      expect(all(entry, 'category').map((c) => c.attributes.term)).toContain('kursk');
      expect(all(entry, 'link')[0]?.attributes.href).toMatch(/^http:\/\/facts\.test\/claims\/[a-z0-9-]+$/);
    }
    expect(entries((await feed('/feeds/claims.atom?topic=no-such-topic')).feed)).toEqual([]);
  });

  it('refuses unknown parameters, bad limits and unknown records with clear errors', async () => {
    const cases: [string, number, string][] = [
      ['/feeds/statements.atom?actor=nobody-at-all', 404, 'no actor with slug "nobody-at-all"'],
      ['/feeds/statements.atom?speaker=china', 400, 'unknown parameter "speaker"'],
      ['/feeds/statements.atom?limit=101', 400, 'from 1 to 100'],
      ['/feeds/statements.atom?actor=China!', 400, 'actor is a slug'],
      ['/feeds/statements.atom?actor=china&actor=russia', 400, 'once'],
      ['/feeds/claims.atom?actor=china', 400, 'unknown parameter "actor"'],
      ['/feeds/everything.atom', 404, 'No feed here'],
    ];
    for (const [path, status, message] of cases) {
      const response = await get(path);
      expect(response.status, path).toBe(status);
      expect(((await response.json()) as { error: { message: string } }).error.message).toContain(message);
    }
    expect((await app.fetch('http://facts.test/feeds/claims.atom', { method: 'POST' })).status).toBe(405);
  });

  it('answers 304 to a matching ETag or an unchanged Last-Modified, and 200 once something changed', async () => {
    const path = '/feeds/statements.atom?actor=china';
    const first = await get(path);
    const etag = first.headers.get('etag') ?? '';
    const lastModified = first.headers.get('last-modified') ?? '';
    expect(etag).toMatch(/^"[\w-]+"$/);
    expect(first.headers.get('cache-control')).toBe('public, max-age=60');
    const revalidated = await get(path, { 'if-none-match': `W/${etag}, "other"` });
    expect(revalidated.status).toBe(304);
    expect(revalidated.headers.get('etag')).toBe(etag);
    expect(await revalidated.text()).toBe('');
    expect((await get(path, { 'if-modified-since': lastModified })).status).toBe(304);
    expect((await get(path, { 'if-none-match': '"stale"', 'if-modified-since': lastModified })).status).toBe(200);

    // Last-Modified counts whole seconds: the next write must fall in a later second than the feed's last change.
    await waitFor(`the clock to pass the second after Last-Modified (${lastModified})`, () => Date.now() >= Date.parse(lastModified) + 1000, 5_000);
    await record('china-feed-new-statement', 'China says the feed should show this first.');
    const changed = await get(path, { 'if-none-match': etag });
    expect(changed.status).toBe(200);
    expect(changed.headers.get('etag')).not.toBe(etag);
    expect(Date.parse(changed.headers.get('last-modified') ?? '')).toBeGreaterThan(Date.parse(lastModified));
    expect((await get(path, { 'if-modified-since': lastModified })).status).toBe(200);
    expect(entrySlug(entries(parseXml(await changed.text()))[0] as Node)).toBe('china-feed-new-statement');
  });

  it('keeps a retracted statement in the feed, updated and marked as retracted', async () => {
    const id = await record('china-feed-retracted', 'China says something it later takes back.');
    const before = await get('/feeds/statements.atom?actor=china');
    const result = await executeAs(app, tokens.write, 'mutation($id: ID!) { retractStatement(id: $id, reason: "Misattributed <b>quote</b>") { __typename } }', { id });
    expect(result.data?.retractStatement.__typename, JSON.stringify(result)).toBe('MutationRetractStatementSuccess');
    const after = await get('/feeds/statements.atom?actor=china', { 'if-none-match': before.headers.get('etag') ?? '' });
    expect(after.status).toBe(200);
    const entry = entries(parseXml(await after.text())).find((e) => entrySlug(e) === 'china-feed-retracted');
    expect(child(entry, 'title')?.text).toBe('[Retracted] China: China says something it later takes back.');
    expect(all(entry, 'category').map((c) => c.attributes.term)).toContain('retracted');
    expect(child(entry, 'content')?.text).toContain('<strong>Retracted</strong>');
    expect(child(entry, 'content')?.text).toContain('Misattributed &lt;b&gt;quote&lt;/b&gt;');
    expect(entrySlug(entries(parseXml(await (await get('/feeds/statements.atom?actor=china')).text()))[0] as Node)).toBe('china-feed-retracted');
  });

  it('stays well-formed XML whatever the text holds, and never links to a script URL', async () => {
    const prisma = test.db.prisma;
    const nastyName = 'Mr <b>&amp;</b> "Quote" \'Apos\' \u202Eevil\u202C';
    const nastyText = 'Ends ]]> early </content></entry> <script>alert(1)</script> & \u0001\u0008\u000B\u000C\u001F\uFFFE\uFFFF controls, emoji 😀, tab\there';
    const speaker = await prisma.actor.create({ data: { slug: 'nasty-speaker', name: nastyName, kind: 'PERSON', searchText: actorSearchText(nastyName, []) } });
    const source = await prisma.source.create({ data: { slug: 'nasty-source', title: 'Source </title> & co', url: 'javascript:alert(document.domain)' } });
    await prisma.statement.create({ data: { slug: 'nasty-statement', text: nastyText, kind: 'REPORTED', speakerId: speaker.id, sourceId: source.id, venue: '<venue>' } });

    const { body, feed: doc } = await feed('/feeds/statements.atom?actor=nasty-speaker');
    expect(body).not.toContain('<script');
    expect(body).not.toMatch(/[\u0001\u0008\u000B\u000C\u001F\uFFFE\uFFFF]/);
    const [entry] = entries(doc);
    const replaced = nastyText.replace(/[\u0001\u0008\u000B\u000C\u001F\uFFFE\uFFFF]/g, '\uFFFD');
    expect(child(entry, 'summary')?.text).toBe(replaced);
    expect(child(entry, 'title')?.text).toBe(`${nastyName}: ${replaced}`);
    expect(child(child(entry, 'author'), 'name')?.text).toBe(nastyName);
    expect(all(entry, 'link').map((l) => l.attributes.rel)).toEqual(['alternate']);
    const content = child(entry, 'content')?.text ?? '';
    expect(content).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(content).toContain('Source: Source &lt;/title&gt; &amp; co');
    expect(content).not.toContain('javascript:');
  });

  it('gives many readers at once the same document', async () => {
    const responses = await Promise.all(Array.from({ length: 30 }, () => get('/feeds/statements.atom?claim=nk-troops-kursk-8000')));
    const bodies = await Promise.all(responses.map((response) => response.text()));
    expect(new Set(responses.map((response) => response.headers.get('etag'))).size).toBe(1);
    expect(new Set(bodies).size).toBe(1);
  });
});

describe(`Atom feeds with PUBLIC_READS=false on ${databaseLabel()}`, () => {
  it('needs a read token, and says the response is private', async () => {
    const privateApp = createTestApp(test, { publicReads: false });
    const anonymous = await privateApp.fetch('http://facts.test/feeds/claims.atom');
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toBe('Bearer');
    const allowed = await privateApp.fetch('http://facts.test/feeds/claims.atom', { headers: { authorization: `Bearer ${tokens.read}` } });
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get('cache-control')).toBe('private, no-cache');
    expect(allowed.headers.get('vary')).toContain('Authorization');
    parseXml(await allowed.text());
  });

  it('looks the token up once per request, though both the read check and the rate limit need it', async () => {
    let lookups = 0;
    const counting = test.db.prisma.$extends({
      query: {
        apiToken: {
          findUnique({ args, query }) {
            lookups += 1;
            return query(args);
          },
        },
      },
    }) as unknown as PrismaClient;
    const store = memoryStore({ costPerMinute: 1000 }, () => 0);
    const limited = createApp({
      prisma: counting,
      logger: createLogger('silent'),
      graphiql: false,
      publicReads: false,
      checkDatabase: async () => {},
      hardening: { rateLimit: { store, costPerMinute: 1000, trustedProxies: 0 }, metrics: false },
    });
    const responses = await Promise.all(
      Array.from({ length: 5 }, () => limited.fetch('http://facts.test/feeds/claims.atom', { headers: { authorization: `Bearer ${tokens.read}` } })),
    );
    expect(responses.map((response) => response.status)).toEqual([200, 200, 200, 200, 200]);
    expect(lookups).toBe(5);
    // A made-up token is refused after one lookup as well.
    const other = await limited.fetch('http://facts.test/feeds/claims.atom', { headers: { authorization: 'Bearer not-a-token' } });
    expect(other.status).toBe(401);
    expect(lookups).toBe(6);
  });
});
