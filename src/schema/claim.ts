import { AS_OF_DESCRIPTION } from './as-of.js';
import { prismaConnectionHelpers } from '@pothos/plugin-prisma';
import { builder } from '../builder.js';
import * as sql from '../sql/read/fields.js';
import { CLAIM_STATUS_RULE } from '../domain/claim-status.js';
import { topicSlug } from '../domain/topics.js';
import type { Prisma } from '../generated/prisma/client.js';
import { likeLiteral, SEARCH, searchTerm } from './args.js';
import { ClaimStatusEnum, StancePositionEnum } from './enums.js';
import { loadRelatedPage, nodeQuery, type Pages, type RelatedPages } from './related.js';
import { Statement } from './statement.js';
import { TopicRef } from './topic.js';

const stanceFilter = (args: { position?: Prisma.StanceWhereInput['position'] | null; includeRetracted?: boolean | null }): Prisma.StanceWhereInput => ({
  ...(args.position ? { position: args.position } : {}),
  ...(args.includeRetracted ? {} : { statement: { retractedAt: null } }),
});

const STATEMENTS_NEWEST_FIRST = [
  { statement: { saidOn: { sort: 'desc', nulls: 'last' } } },
  { statement: { seq: 'desc' } },
] satisfies Prisma.StanceOrderByWithRelationInput[];

type StanceRow = Prisma.StanceGetPayload<{ select: { id: true; position: true; statement: true } }>;

const CLAIM_STANCES: RelatedPages<StanceRow> = {
  name: 'Claim.statements',
  async pages(prisma, parentIds, page, withCount): Promise<Pages> {
    const stances = { ...page, select: { id: true } } as Prisma.Claim$stancesArgs & { where?: Prisma.StanceWhereInput };
    const rows = await prisma.claim.findMany({
      where: { id: { in: parentIds } },
      relationLoadStrategy: 'join',
      select: { id: true, stances, ...(withCount ? { _count: { select: { stances: { where: stances.where } } } } : {}) },
    });
    const byParent = new Map(rows.map((row) => [row.id, { ids: row.stances.map((stance) => stance.id), count: row._count?.stances }]));
    return { get: (id) => byParent.get(id) };
  },
  rows: (prisma, ids, query) =>
    prisma.stance.findMany({ ...(query as Pick<Prisma.StanceFindManyArgs, 'select'>), where: { id: { in: ids } } }) as unknown as Promise<StanceRow[]>,
};

const stanceStatements = prismaConnectionHelpers(builder, 'Stance', {
  cursor: 'id',
  args: (t) => ({
    position: t.field({ type: StancePositionEnum, description: 'Only statements taking this position.' }),
    includeRetracted: t.boolean({ defaultValue: false, description: 'Also list retracted statements.' }),
  }),
  query: (args) => ({
    where: stanceFilter(args),
    // Prisma accepts a list here (newest statement first, then by record order); Pothos types one entry.
    orderBy: STATEMENTS_NEWEST_FIRST as unknown as Prisma.StanceOrderByWithRelationInput,
  }),
  select: (nodeSelection) => ({ position: true, statement: nodeSelection(true) }),
  resolveNode: (stance) => stance.statement,
});

export const Claim = builder.prismaNode('Claim', {
  id: { field: 'id' },
  nullable: true,
  description: 'A checkable proposition, e.g. "About 8,000 North Korean troops are in Russia’s Kursk region".',
  fields: (t) => ({
    slug: t.exposeString('slug', { extensions: { sql: sql.read.column('slug') } }),
    text: t.exposeString('text', { extensions: { sql: sql.read.column('text') } }),
    topics: t.exposeStringList('topics', { extensions: { sql: sql.read.column('topics') }, description: 'Topic labels as written, e.g. "Varna dam"; `topicList` adds their slugs.' }),
    topicList: t.field({
      type: [TopicRef],
      description: 'The topics with the slug derived from each, in the order given.',
      // The write path stores each label's slug at the same place in `topicSlugs` (write/apply.ts).
      extensions: { sql: sql.topicList },
      resolve: (claim) => claim.topics.map((label) => ({ label, slug: topicSlug(label) })),
    }),
    status: t.expose('status', { type: ClaimStatusEnum, extensions: { sql: sql.read.column('status') }, description: CLAIM_STATUS_RULE }),
    source: t.relation('source', { nullable: true, extensions: { sql: sql.read.one('Source', 'sourceId') }, description: "Set when the claim comes from the source's own narration rather than from a statement." }),
    stances: t.relation('stances', {
      extensions: { sql: sql.claimStances },
      description: 'Positions statements take on this claim (those of retracted statements only on request).',
      args: { position: t.arg({ type: StancePositionEnum }), includeRetracted: t.arg.boolean({ defaultValue: false }) },
      query: (args) => ({ where: stanceFilter(args), orderBy: { id: 'asc' } }),
    }),
    statements: t.connection(
      {
        type: Statement,
        extensions: { sql: sql.claimStatements },
        description: 'Statements that take a stance on this claim, newest first; each edge carries the position.',
        args: stanceStatements.getArgs(),
        resolve: async (claim, args, ctx, info) => {
          const { rows, totalCount } = await loadRelatedPage(ctx, info, CLAIM_STANCES, claim.id, args, () =>
            stanceStatements.getQuery(args, ctx, (() => nodeQuery(ctx, info)) as Parameters<typeof stanceStatements.getQuery>[2]),
          );
          return { ...stanceStatements.resolve(rows, args, ctx, claim), totalCount };
        },
      },
      { fields: (connection) => ({ totalCount: connection.int({ resolve: (result) => result.totalCount }) }) },
      { fields: (edge) => ({ position: edge.field({ type: StancePositionEnum, resolve: (stance) => stance.position }) }) },
    ),
    createdAt: t.expose('createdAt', { type: 'DateTime', extensions: { sql: sql.read.column('createdAt', 'timestamp') } }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', extensions: { sql: sql.read.column('updatedAt', 'timestamp') } }),
  }),
});

function claimFilter(args: { status?: Prisma.ClaimWhereInput['status'] | null; search?: string | null; topic?: string | null }): Prisma.ClaimWhereInput {
  const term = searchTerm(args.search);
  return {
    ...(args.status ? { status: args.status } : {}),
    ...(args.topic ? { topicSlugs: { has: topicSlug(args.topic) } } : {}),
    ...(term ? { text: { contains: likeLiteral(term), mode: 'insensitive' } } : {}),
  };
}

builder.queryFields((t) => ({
  claim: t.prismaField({
    type: Claim,
    nullable: true,
    description: 'The claim with this slug, or null if there is none (as of `asOf`, when given).',
    args: { slug: t.arg.string({ required: true }), asOf: t.arg({ type: 'DateTime', description: AS_OF_DESCRIPTION }) },
    resolve: (query, _root, { slug }, { prisma }) => prisma.claim.findUnique({ ...query, where: { slug } }),
  }),
  claims: t.prismaConnection({
    type: Claim,
    cursor: 'id',
    extensions: { sql: sql.read.connection(sql.claims) },
    description: 'Claims in the order they were recorded.',
    args: {
      status: t.arg({ type: ClaimStatusEnum }),
      topic: t.arg.string({ description: 'Only claims tagged with this topic, given as its label ("Varna dam") or its slug ("varna-dam").' }),
      search: t.arg.string({ validate: SEARCH, description: 'Case-insensitive substring of the text (at most 200 characters).' }),
      asOf: t.arg({ type: 'DateTime', description: AS_OF_DESCRIPTION }),
    },
    totalCount: (_parent, args, { prisma }) => prisma.claim.count({ where: claimFilter(args) }),
    resolve: (query, _root, args, { prisma }) => prisma.claim.findMany({ ...query, where: claimFilter(args), orderBy: { id: 'asc' } }),
  }),
}));
