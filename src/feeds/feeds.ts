import type { Prisma, PrismaClient } from '../generated/prisma/client.js';
import { topicSlug } from '../domain/topics.js';
import { badRequest, RequestError } from '../reconcile/errors.js';
import { isSlug } from '../reconcile/model.js';
import { type AtomEntry, type AtomFeed, atomDate, html, isWebUrl, uuidV5 } from './atom.js';

export const FEED_PATHS = { statements: '/feeds/statements.atom', claims: '/feeds/claims.atom' } as const;
export const FEED_LIMITS = { default: 50, max: 100, topicCharacters: 100 } as const;

type FeedKind = keyof typeof FEED_PATHS;

const FILTERS: Record<FeedKind, readonly string[]> = { statements: ['actor', 'claim', 'source'], claims: ['topic'] };

export interface FeedQuery {
  kind: FeedKind;
  filters: Record<string, string>;
  limit: number;
}

/** Reads a saved search from the URL; every parameter is checked, so a typo is an error rather than an unfiltered feed. */
export function parseFeedQuery(kind: FeedKind, params: URLSearchParams): FeedQuery {
  const allowed = [...FILTERS[kind], 'limit'];
  const filters: Record<string, string> = {};
  let limit: number = FEED_LIMITS.default;
  for (const name of new Set(params.keys())) {
    if (!allowed.includes(name)) throw badRequest(`unknown parameter "${name.slice(0, 50)}" (this feed takes ${allowed.join(', ')})`, `/${name.slice(0, 50)}`);
    const values = params.getAll(name);
    if (values.length > 1) throw badRequest(`give "${name}" once`, `/${name}`);
    const value = (values[0] ?? '').trim();
    if (name === 'limit') {
      limit = Number(value);
      if (!Number.isInteger(limit) || limit < 1 || limit > FEED_LIMITS.max) throw badRequest(`limit is a whole number from 1 to ${FEED_LIMITS.max}`, '/limit');
    } else if (name === 'topic') {
      if (!value || value.length > FEED_LIMITS.topicCharacters || value.includes('\u0000')) throw badRequest(`topic is 1 to ${FEED_LIMITS.topicCharacters} characters`, '/topic');
      filters.topic = value;
    } else {
      if (!isSlug(value)) throw badRequest(`${name} is a slug (lowercase letters, digits and hyphens)`, `/${name}`);
      filters[name] = value;
    }
  }
  return { kind, filters, limit };
}

/** The saved search in a canonical form: the basis of the feed's permanent id. */
export const canonicalSearch = (query: FeedQuery) =>
  `${FEED_PATHS[query.kind]}?${Object.entries(query.filters)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, value]) => `${key}=${encodeURIComponent(value)}`)
    .join('&')}`;

const latest = (...dates: (Date | null | undefined)[]) => new Date(Math.max(0, ...dates.filter((date): date is Date => date instanceof Date).map((date) => date.getTime())));
/** Cut by code points, so an emoji is never split into a lone surrogate. */
const truncate = (value: string, length: number) => {
  const points = [...value];
  return points.length > length ? `${points.slice(0, length - 1).join('')}…` : value;
};
const humanize = (value: string) => value.toLowerCase().replaceAll('_', ' ');
const link = (href: string, label: string) => `<a href="${html(href)}">${html(label)}</a>`;

const STATEMENT_INCLUDE = {
  speaker: true,
  onBehalfOf: true,
  source: true,
  respondsTo: { include: { speaker: true } },
  stances: { include: { claim: true }, orderBy: { createdAt: 'asc' } },
} satisfies Prisma.StatementInclude;

type StatementRow = Prisma.StatementGetPayload<{ include: typeof STATEMENT_INCLUDE }>;

function statementEntry(statement: StatementRow, origin: string): AtomEntry {
  const retracted = statement.retractedAt !== null;
  const who = statement.onBehalfOf ? `${statement.speaker.name} (for ${statement.onBehalfOf.name})` : statement.speaker.name;
  const page = `${origin}/statements/${statement.slug}`;
  const said = [
    `${html(humanize(statement.kind))} by ${link(`${origin}/actors/${statement.speaker.slug}`, statement.speaker.name)}`,
    statement.onBehalfOf ? ` on behalf of ${link(`${origin}/actors/${statement.onBehalfOf.slug}`, statement.onBehalfOf.name)}` : '',
    statement.saidOn ? `, ${statement.saidOn.toISOString().slice(0, 10)}` : '',
    statement.venue ? `, ${html(statement.venue)}` : '',
  ].join('');
  const source = isWebUrl(statement.source.url) ? link(statement.source.url, statement.source.title) : html(statement.source.title);
  const parts = [
    retracted
      ? `<p><strong>Retracted</strong> ${statement.retractedAt ? atomDate(statement.retractedAt) : ''}${statement.retractedBy ? ` by ${html(statement.retractedBy)}` : ''}${statement.retractionReason ? `: ${html(statement.retractionReason)}` : ''}. Its stances no longer count toward claim status.</p>`
      : '',
    `<blockquote><p>${html(statement.text)}</p></blockquote>`,
    `<p>${said}.</p>`,
    statement.respondsTo && statement.responseKind
      ? `<p>${html(humanize(statement.responseKind))} ${link(`${origin}/statements/${statement.respondsTo.slug}`, `${statement.respondsTo.speaker.name}: “${truncate(statement.respondsTo.text, 140)}”`)}</p>`
      : '',
    statement.stances.length
      ? `<ul>${statement.stances.map((stance) => `<li>${html(humanize(stance.position))} ${link(`${origin}/claims/${stance.claim.slug}`, stance.claim.text)} (${html(humanize(stance.claim.status))})</li>`).join('')}</ul>`
      : '',
    `<p>Source: ${source}${statement.source.publisher ? `, ${html(statement.source.publisher)}` : ''}</p>`,
  ];
  return {
    id: `urn:uuid:${statement.id}`,
    title: `${retracted ? '[Retracted] ' : ''}${who}: ${truncate(statement.text, 140)}`,
    updated: latest(statement.updatedAt, statement.speaker.updatedAt, statement.onBehalfOf?.updatedAt, statement.source.updatedAt, ...statement.stances.map((stance) => stance.claim.updatedAt)),
    published: statement.createdAt,
    author: { name: statement.speaker.name, uri: `${origin}/actors/${statement.speaker.slug}` },
    links: [
      { rel: 'alternate', type: 'text/html', href: page },
      ...(isWebUrl(statement.source.url) ? [{ rel: 'via', type: 'text/html', href: statement.source.url, title: statement.source.title }] : []),
    ],
    categories: [
      { term: statement.kind, label: humanize(statement.kind), scheme: `${origin}/feeds/schemes/statement-kind` },
      ...(retracted ? [{ term: 'retracted', label: 'retracted', scheme: `${origin}/feeds/schemes/state` }] : []),
    ],
    summary: statement.text,
    contentHtml: parts.join(''),
  };
}

async function statementsFeed(prisma: PrismaClient, query: FeedQuery, origin: string): Promise<Omit<AtomFeed, 'selfUrl'>> {
  const { actor: actorSlug, claim: claimSlug, source: sourceSlug } = query.filters;
  const [actor, claim, source] = await Promise.all([
    actorSlug ? prisma.actor.findUnique({ where: { slug: actorSlug } }) : null,
    claimSlug ? prisma.claim.findUnique({ where: { slug: claimSlug } }) : null,
    sourceSlug ? prisma.source.findUnique({ where: { slug: sourceSlug } }) : null,
  ]);
  if (actorSlug && !actor) throw new RequestError(404, 'NOT_FOUND', `no actor with slug "${actorSlug}"`, '/actor');
  if (claimSlug && !claim) throw new RequestError(404, 'NOT_FOUND', `no claim with slug "${claimSlug}"`, '/claim');
  if (sourceSlug && !source) throw new RequestError(404, 'NOT_FOUND', `no source with slug "${sourceSlug}"`, '/source');
  const where: Prisma.StatementWhereInput[] = [];
  // As `statements(actor:)` does: what the actor said, and what others said on its behalf.
  if (actor) where.push({ OR: [{ speakerId: actor.id }, { onBehalfOfId: actor.id }] });
  if (claim) where.push({ stances: { some: { claimId: claim.id } } });
  if (source) where.push({ sourceId: source.id });
  const statements = await prisma.statement.findMany({
    where: { AND: where },
    include: STATEMENT_INCLUDE,
    orderBy: [{ updatedAt: 'desc' }, { seq: 'desc' }],
    take: query.limit,
  });
  const entries = statements.map((statement) => statementEntry(statement, origin));
  const described = [actor && `by ${actor.name}`, claim && `on “${truncate(claim.text, 80)}”`, source && `from ${source.title}`].filter(Boolean).join(', ');
  const single = [actor && `/actors/${actor.slug}`, claim && `/claims/${claim.slug}`, source && `/sources/${source.slug}`].filter((path): path is string => Boolean(path));
  return {
    id: `urn:uuid:${uuidV5(canonicalSearch(query))}`,
    title: described ? `Statements ${described}` : 'Statements',
    subtitle: actor ? `What ${actor.name} said, and what was said on its behalf; retracted statements stay, marked as retracted` : 'Retracted statements stay, marked as retracted',
    updated: latest(actor?.updatedAt, claim?.updatedAt, source?.updatedAt, ...entries.map((entry) => entry.updated)),
    alternateUrl: `${origin}${single.length === 1 ? single[0] : '/'}`,
    entries,
  };
}

async function claimsFeed(prisma: PrismaClient, query: FeedQuery, origin: string): Promise<Omit<AtomFeed, 'selfUrl'>> {
  const { topic } = query.filters;
  const claims = await prisma.claim.findMany({
    // A topic by its label ("Varna dam") or its slug ("varna-dam"), as claims(topic:) takes it.
    where: topic ? { topicSlugs: { has: topicSlug(topic) } } : {},
    include: { source: true, stances: { select: { position: true } } },
    orderBy: [{ updatedAt: 'desc' }, { id: 'desc' }],
    take: query.limit,
  });
  const entries = claims.map((claim): AtomEntry => {
    const counts = new Map<string, number>();
    for (const stance of claim.stances) counts.set(stance.position, (counts.get(stance.position) ?? 0) + 1);
    const source = claim.source ? (isWebUrl(claim.source.url) ? link(claim.source.url, claim.source.title) : html(claim.source.title)) : '';
    return {
      id: `urn:uuid:${claim.id}`,
      title: truncate(claim.text, 200),
      updated: latest(claim.updatedAt, claim.source?.updatedAt),
      published: claim.createdAt,
      links: [{ rel: 'alternate', type: 'text/html', href: `${origin}/claims/${claim.slug}` }],
      categories: [
        { term: claim.status, label: humanize(claim.status), scheme: `${origin}/feeds/schemes/claim-status` },
        ...claim.topics.map((label) => ({ term: topicSlug(label), label, scheme: `${origin}/feeds/schemes/topic` })),
      ],
      summary: claim.text,
      contentHtml: [
        `<blockquote><p>${html(claim.text)}</p></blockquote>`,
        `<p>Status: ${html(humanize(claim.status))}${claim.topics.length ? `. Topics: ${html(claim.topics.join(', '))}` : ''}</p>`,
        counts.size ? `<p>Stances: ${[...counts].map(([position, count]) => `${count} ${html(humanize(position))}`).join(', ')}</p>` : '<p>No stances yet.</p>',
        source ? `<p>Source: ${source}</p>` : '',
      ].join(''),
    };
  });
  return {
    id: `urn:uuid:${uuidV5(canonicalSearch(query))}`,
    title: topic ? `Claims on ${topic}` : 'Claims',
    subtitle: 'Checkable claims and the status derived from the stances taken on them',
    updated: latest(...entries.map((entry) => entry.updated)),
    alternateUrl: `${origin}/`,
    entries,
  };
}

export function loadFeed(prisma: PrismaClient, query: FeedQuery, origin: string) {
  return query.kind === 'statements' ? statementsFeed(prisma, query, origin) : claimsFeed(prisma, query, origin);
}
