import { AS_OF_DESCRIPTION } from './as-of.js';
import { builder } from '../builder.js';
import * as sql from '../sql/read/fields.js';
import type { Prisma } from '../generated/prisma/client.js';
import { DATE_RANGE, likeLiteral, SEARCH, searchTerm } from './args.js';
import { ResponseKindEnum, StancePositionEnum, StatementKindEnum } from './enums.js';
import { NEWEST_FIRST } from './order.js';
import { loadStatementsById, oldestFirst, relatedStatements, STATEMENT_RESPONSES } from './related.js';

const Retraction = builder.objectRef<{ at: Date; by: string; reason: string }>('Retraction').implement({
  fields: (t) => ({
    at: t.expose('at', { type: 'DateTime', extensions: { sql: sql.read.column('retractedAt', 'timestamp') } }),
    by: t.exposeString('by', { extensions: { sql: sql.retractionBy }, description: 'The name of the token that retracted it.' }),
    reason: t.exposeString('reason', { extensions: { sql: sql.retractionReason } }),
  }),
});

export const Statement = builder.prismaNode('Statement', {
  id: { field: 'id' },
  nullable: true,
  description: 'Something an actor said or is reported to have said, as carried by a source.',
  fields: (t) => ({
    slug: t.exposeString('slug', { extensions: { sql: sql.read.column('slug') } }),
    text: t.exposeString('text', { extensions: { sql: sql.read.column('text') }, description: 'For a DIRECT_QUOTE, the words exactly as the source quotes them.' }),
    kind: t.expose('kind', { type: StatementKindEnum, extensions: { sql: sql.read.column('kind') } }),
    saidOn: t.expose('saidOn', { type: 'Date', extensions: { sql: sql.read.column('saidOn', 'date') }, nullable: true, description: 'When it was said, if the source says.' }),
    venue: t.exposeString('venue', { extensions: { sql: sql.read.column('venue') }, nullable: true, description: 'Where it was said, e.g. "press briefing".' }),
    speaker: t.relation('speaker', { extensions: { sql: sql.read.one('Actor', 'speakerId') }, description: 'Who said it.' }),
    onBehalfOf: t.relation('onBehalfOf', { extensions: { sql: sql.read.one('Actor', 'onBehalfOfId') }, nullable: true, description: 'Whom the speaker spoke for, e.g. China for its foreign-ministry spokesperson.' }),
    source: t.relation('source', { extensions: { sql: sql.read.one('Source', 'sourceId') } }),
    respondsTo: t.relation('respondsTo', { extensions: { sql: sql.read.one('Statement', 'respondsToId') }, nullable: true, description: 'The statement this one responds to.' }),
    responseKind: t.expose('responseKind', { extensions: { sql: sql.read.column('responseKind') }, type: ResponseKindEnum, nullable: true, description: 'How it responds to `respondsTo`.' }),
    stances: t.relation('stances', {
      extensions: { sql: sql.statementStances },
      description: 'The positions this statement takes on claims.',
      args: { position: t.arg({ type: StancePositionEnum }) },
      query: (args) => ({ where: args.position ? { position: args.position } : {}, orderBy: { id: 'asc' } }),
    }),
    retracted: t.boolean({ extensions: { sql: sql.retracted }, description: 'Whether the statement has been retracted (see `retraction`).', resolve: (statement) => statement.retractedAt !== null }),
    retraction: t.field({
      type: Retraction,
      nullable: true,
      extensions: { sql: sql.retraction },
      description: 'Who retracted the statement, when and why; null unless retracted.',
      resolve: (statement) =>
        statement.retractedAt ? { at: statement.retractedAt, by: statement.retractedBy ?? '', reason: statement.retractionReason ?? '' } : null,
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime', extensions: { sql: sql.read.column('createdAt', 'timestamp') } }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', extensions: { sql: sql.read.column('updatedAt', 'timestamp') } }),
  }),
});

export const QuoteRef = builder.objectRef<{ start: number; end: number; sourceId: string }>('Quote').implement({
  description:
    "Where the source's text quotes a statement: offsets in UTF-16 code units (as JavaScript strings count them), end exclusive. A quote split around its attribution (`\"A,\" she said, \"B.\"`) is recorded as one statement whose text joins the parts; it keeps no offsets, since no single span reads as its text (review drafts show each part).",
  fields: (t) => ({
    start: t.exposeInt('start', { extensions: { sql: sql.read.column('quoteStart', 'int') } }),
    end: t.exposeInt('end', { extensions: { sql: sql.read.column('quoteEnd', 'int') } }),
    text: t.string({
      extensions: { sql: sql.quoteText },
      description: "The source's text between `start` and `end`: for a DIRECT_QUOTE, exactly the statement's text.",
      resolve: async (quote, _args, ctx) => ((await ctx.loaders.sourceTextById.load(quote.sourceId)) ?? '').slice(quote.start, quote.end),
    }),
  }),
});

builder.objectField(Statement, 'quote', (t) =>
  t.field({
    type: QuoteRef,
    nullable: true,
    extensions: { sql: sql.quote },
    description: "Where the source's text quotes the statement; null when the offsets are not known.",
    resolve: (statement) =>
      statement.quoteStart !== null && statement.quoteEnd !== null ? { start: statement.quoteStart, end: statement.quoteEnd, sourceId: statement.sourceId } : null,
  }),
);

builder.objectField(Statement, 'responses', (t) =>
  t.connection(
    {
      type: Statement,
      extensions: { sql: sql.statementResponses },
      description: 'Statements that respond to this one, in conversation order (oldest first).',
      args: oldestFirst.getArgs(),
      resolve: (statement, args, ctx, info) => relatedStatements(STATEMENT_RESPONSES, statement, args, ctx, info, oldestFirst),
    },
    { fields: (connection) => ({ totalCount: connection.int({ resolve: (result) => result.totalCount }) }) },
  ),
);

builder.objectField(Statement, 'thread', (t) =>
  t.field({
    type: [Statement],
    extensions: { sql: sql.read.thread() },
    description:
      'The chain of statements this one answers, oldest first: the root of the conversation first, the statement it directly responds to last. Empty if it responds to nothing.',
    resolve: (statement, _args, ctx, info) => loadStatementsById(ctx, info, statement.threadIds),
  }),
);

interface StatementFilterArgs {
  speaker?: string | null;
  onBehalfOf?: string | null;
  actor?: string | null;
  claim?: string | null;
  source?: string | null;
  kind?: Prisma.StatementWhereInput['kind'] | null;
  from?: Date | null;
  to?: Date | null;
  search?: string | null;
  includeRetracted?: boolean | null;
}

function statementFilter(args: StatementFilterArgs): Prisma.StatementWhereInput {
  const term = searchTerm(args.search);
  const where: Prisma.StatementWhereInput[] = [];
  if (args.speaker) where.push({ speaker: { slug: args.speaker } });
  if (args.onBehalfOf) where.push({ onBehalfOf: { slug: args.onBehalfOf } });
  if (args.actor) where.push({ OR: [{ speaker: { slug: args.actor } }, { onBehalfOf: { slug: args.actor } }] });
  if (args.claim) where.push({ stances: { some: { claim: { slug: args.claim } } } });
  if (args.source) where.push({ source: { slug: args.source } });
  if (args.kind) where.push({ kind: args.kind });
  if (args.from || args.to) where.push({ saidOn: { ...(args.from ? { gte: args.from } : {}), ...(args.to ? { lte: args.to } : {}) } });
  if (term) where.push({ text: { contains: likeLiteral(term), mode: 'insensitive' } });
  if (!args.includeRetracted) where.push({ retractedAt: null });
  return where.length === 0 ? {} : { AND: where };
}

builder.queryFields((t) => ({
  statement: t.prismaField({
    type: Statement,
    nullable: true,
    description: 'The statement with this slug, or null if there is none (as of `asOf`, when given).',
    args: { slug: t.arg.string({ required: true }), asOf: t.arg({ type: 'DateTime', description: AS_OF_DESCRIPTION }) },
    resolve: (query, _root, { slug }, { prisma }) => prisma.statement.findUnique({ ...query, where: { slug } }),
  }),
  statements: t.prismaConnection({
    type: Statement,
    cursor: 'id',
    extensions: { sql: sql.read.connection(sql.statements) },
    description:
      'Statements, newest first (undated ones last). Filters combine with AND; a slug that matches nothing gives an empty list. `from`/`to` are inclusive and leave out undated statements.',
    args: {
      speaker: t.arg.string({ description: 'Slug of the actor who spoke.' }),
      onBehalfOf: t.arg.string({ description: 'Slug of the actor spoken for.' }),
      actor: t.arg.string({ description: 'Slug of an actor who either spoke or was spoken for.' }),
      claim: t.arg.string({ description: 'Slug of a claim the statement takes a stance on.' }),
      source: t.arg.string({ description: 'Slug of the source carrying the statement.' }),
      kind: t.arg({ type: StatementKindEnum }),
      from: t.arg({ type: 'Date', description: 'Said on or after this date.' }),
      to: t.arg({ type: 'Date', description: 'Said on or before this date.' }),
      search: t.arg.string({ validate: SEARCH, description: 'Case-insensitive substring of the text (at most 200 characters).' }),
      includeRetracted: t.arg.boolean({ defaultValue: false, description: 'Also list retracted statements.' }),
      asOf: t.arg({ type: 'DateTime', description: AS_OF_DESCRIPTION }),
    },
    validate: DATE_RANGE,
    totalCount: (_parent, args, { prisma }) => prisma.statement.count({ where: statementFilter(args) }),
    resolve: (query, _root, args, { prisma }) => prisma.statement.findMany({ ...query, where: statementFilter(args), orderBy: NEWEST_FIRST }),
  }),
}));
