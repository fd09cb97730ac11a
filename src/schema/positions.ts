import { prismaConnectionHelpers, queryFromInfo } from '@pothos/plugin-prisma';
import DataLoader from 'dataloader';
import { GraphQLError, type GraphQLResolveInfo } from 'graphql';
import { filter, pipe } from 'graphql-yoga';
import { builder, decodeGlobalId } from '../builder.js';
import type { Context } from '../context.js';
import { formatIsoDate, parseIsoDate } from '../domain/dates.js';
import type { PositionChangedEvent } from '../events.js';
import type { Actor as ActorRow, Claim as ClaimRow, Statement as StatementRow } from '../generated/prisma/client.js';
import type { StancePosition } from '../generated/prisma/enums.js';
import { badInput } from '../graphql/errors.js';
import * as sql from '../sql/read/fields.js';
import { type PageWindow, positionChangePage, type PositionChangeRow, positionPages, type PositionRow } from '../sql/positions/read.js';
import { Actor } from './actor.js';
import { Claim } from './claim.js';
import { StancePositionEnum } from './enums.js';
import { loadStatementsById } from './related.js';
import { Statement } from './statement.js';

export const POSITION_RULE =
  "A stance counts for the actor the statement was made on behalf of, else its speaker, and for nobody else (a spokesperson's statement for a ministry is the ministry's position, not the spokesperson's): the rule of the claim status. Stances run oldest first: by the statement's date, undated statements before every dated one (as for the claim status), ties and undated ones in the order they were recorded.";

const CHANGE_RULE_OF = (retracted: string) =>
  `A change is a stance whose side differs from the side of the same actor’s previous stance on the claim: ASSERTS/SUPPORTS against DENIES/QUESTIONS. DECLINES_TO_CONFIRM takes no side and is passed over, as are ${retracted} (as for the claim status); ASSERTS then SUPPORTS is no change.`;
export const CHANGE_RULE = CHANGE_RULE_OF('retracted statements unless `includeRetracted`');

const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

type Named = 'Actor' | 'Claim';

const withArticle = (noun: string) => `${/^[aeiou]/i.test(noun) ? 'an' : 'a'} ${noun}`;

/** A record named by slug or by global ID: a slug names at most one (the empty string none); anything else must be this type's ID (else INVALID_ID). */
function parseRef(value: string, typename: Named): { slug: string } | { id: string } {
  if (value === '' || SLUG.test(value)) return { slug: value };
  const shown = value.length > 80 ? `${value.slice(0, 80)}…` : value;
  let decoded: { typename: string; id: string };
  try {
    decoded = decodeGlobalId(value);
  } catch {
    throw badInput(`"${shown}" is neither ${withArticle(typename.toLowerCase())} slug nor a valid ID of this service`, { code: 'INVALID_ID' });
  }
  if (decoded.typename !== typename) throw badInput(`"${shown}" is the ID of ${withArticle(decoded.typename)}, not of ${withArticle(typename)}`, { code: 'INVALID_ID' });
  return { id: decoded.id };
}

const refCache = new WeakMap<object, Map<string, Promise<{ id: string; slug: string } | null>>>();

/** The record a slug or ID names, or null when there is none; looked up once per request. */
function resolveRef(ctx: Context, value: string, typename: Named): Promise<{ id: string; slug: string } | null> {
  const ref = parseRef(value, typename);
  let cache = refCache.get(ctx);
  if (!cache) refCache.set(ctx, (cache = new Map()));
  const key = `${typename}:${value}`;
  let found = cache.get(key);
  if (!found) {
    const where = 'slug' in ref ? { slug: ref.slug } : { id: ref.id };
    const select = { id: true, slug: true };
    found = 'slug' in ref && ref.slug === '' ? Promise.resolve(null) : typename === 'Actor' ? ctx.prisma.actor.findUnique({ where, select }) : ctx.prisma.claim.findUnique({ where, select });
    cache.set(key, found);
  }
  return found;
}

const byIdLoaders = new WeakMap<object, Map<string, DataLoader<string, unknown>>>();

/** Actors or claims by id with what the field selects beneath them, batched per request and selection. */
function loadById<Row>(ctx: Context, info: GraphQLResolveInfo, model: 'actor' | 'claim', id: string): Promise<Row | null> {
  const query = queryFromInfo({ context: ctx, info }) as object;
  let byKey = byIdLoaders.get(ctx);
  if (!byKey) byIdLoaders.set(ctx, (byKey = new Map()));
  const key = `${model}:${JSON.stringify(query)}`;
  let loader = byKey.get(key);
  if (!loader) {
    loader = new DataLoader<string, unknown>(async (ids) => {
      const where = { id: { in: [...ids] } };
      const rows: { id: string }[] =
        model === 'actor' ? await ctx.prisma.actor.findMany({ ...(query as object), where }) : await ctx.prisma.claim.findMany({ ...(query as object), where });
      const found = new Map(rows.map((row) => [row.id, row]));
      return ids.map((rowId) => found.get(rowId) ?? null);
    });
    byKey.set(key, loader);
  }
  return loader.load(id) as Promise<Row | null>;
}

async function statementOf(ctx: Context, info: GraphQLResolveInfo, id: string): Promise<StatementRow> {
  const [row] = await loadStatementsById(ctx, info, [id]);
  if (!row) throw new GraphQLError('The statement was deleted meanwhile', { extensions: { code: 'NOT_FOUND' } });
  return row;
}

const dateOf = (value: string | null) => (value === null ? null : (parseIsoDate(value) ?? null));

const PositionRef = builder.objectRef<PositionRow>('Position').implement({
  description: `One stance an actor holds on a claim: the position, the statement taking it (the evidence), and when it was said. ${POSITION_RULE}`,
  fields: (t) => ({
    position: t.field({ type: StancePositionEnum, extensions: { sql: sql.read.column('position') }, resolve: (row) => row.position as StancePosition }),
    saidOn: t.field({
      type: 'Date',
      nullable: true,
      extensions: { sql: sql.positionSaidOn },
      description: "The statement's date; null when the source does not say.",
      resolve: (row) => dateOf(row.saidOn),
    }),
    statement: t.field({
      type: Statement,
      extensions: { sql: sql.read.one('Statement', 'statementId') },
      description: 'The statement taking the position: the evidence.',
      resolve: (row, _args, ctx, info) => statementOf(ctx, info, row.statementId),
    }),
  }),
});

type ChangeNode = PositionChangeRow;

const PositionChangeRef = builder.objectRef<ChangeNode>('PositionChange').implement({
  description: `Where an actor's side on a claim changed, with both statements as evidence. ${CHANGE_RULE}`,
  fields: (t) => ({
    actor: t.field({
      type: Actor,
      description: 'Whose position changed: the actor the statements count for.',
      resolve: async (change, _args, ctx, info) => {
        const row = await loadById<ActorRow>(ctx, info, 'actor', change.actorId);
        if (!row) throw new GraphQLError('The actor was deleted meanwhile', { extensions: { code: 'NOT_FOUND' } });
        return row;
      },
    }),
    claim: t.field({
      type: Claim,
      resolve: async (change, _args, ctx, info) => {
        const row = await loadById<ClaimRow>(ctx, info, 'claim', change.claimId);
        if (!row) throw new GraphQLError('The claim was deleted meanwhile', { extensions: { code: 'NOT_FOUND' } });
        return row;
      },
    }),
    from: t.field({ type: StancePositionEnum, description: 'The position before.', resolve: (change) => change.from as StancePosition }),
    to: t.field({ type: StancePositionEnum, description: 'The position after.', resolve: (change) => change.to as StancePosition }),
    fromStatement: t.field({ type: Statement, description: 'The statement that took the position before: the actor’s latest before the change.', resolve: (change, _args, ctx, info) => statementOf(ctx, info, change.fromStatementId) }),
    toStatement: t.field({ type: Statement, description: 'The statement that took the new position.', resolve: (change, _args, ctx, info) => statementOf(ctx, info, change.toStatementId) }),
    at: t.field({ type: 'Date', nullable: true, description: "`toStatement`'s date: when the change was said; null when undated.", resolve: (change) => dateOf(change.at) }),
  }),
});

/** Relay paging as every other connection pages (plugin-prisma's rules: cursors, page info), over stance ids. */
const stancePaging = prismaConnectionHelpers(builder, 'Stance', { cursor: 'id' });
type PagingArgs = Parameters<typeof stancePaging.getQuery>[0];

function pageWindow(args: PagingArgs, ctx: Context): PageWindow {
  const query = stancePaging.getQuery(args, ctx, (() => ({})) as unknown as Parameters<typeof stancePaging.getQuery>[2]) as { take: number; cursor?: { id: string } };
  return { cursor: query.cursor?.id ?? null, take: query.take };
}

/** Whether the connection's selection may read `totalCount` (a fragment counts as a maybe). */
const asksForTotalCount = (info: GraphQLResolveInfo) =>
  info.fieldNodes.some((node) => node.selectionSet?.selections.some((selection) => selection.kind !== 'Field' || selection.name.value === 'totalCount'));

const positionLoaders = new WeakMap<object, Map<string, DataLoader<string, { rows: PositionRow[]; count: number }>>>();

/** Every actor's page of a list in one statement: one loader per request and arguments. */
function positionsLoader(ctx: Context, claimId: string, includeRetracted: boolean, window: PageWindow, withCount: boolean) {
  let byKey = positionLoaders.get(ctx);
  if (!byKey) positionLoaders.set(ctx, (byKey = new Map()));
  const key = JSON.stringify([claimId, includeRetracted, window, withCount]);
  let loader = byKey.get(key);
  if (!loader) {
    loader = new DataLoader(async (actorIds) => {
      const pages = await positionPages(ctx.prisma, { actorIds, claimId, includeRetracted, window, withCount });
      return actorIds.map((id) => pages.get(id) ?? { rows: [], count: 0 });
    });
    byKey.set(key, loader);
  }
  return loader;
}

builder.objectField(Actor, 'positions', (t) =>
  t.connection(
    {
      type: PositionRef,
      extensions: { sql: sql.actorPositions((value) => parseRef(value, 'Claim')) },
      description: `This actor's positions on a claim over time, oldest first, counting statements made on its behalf. ${POSITION_RULE} Retracted statements are left out unless \`includeRetracted\`. An unknown claim gives an empty list.`,
      args: {
        claim: t.arg.string({ required: true, description: 'The claim, by slug or global ID.' }),
        includeRetracted: t.arg.boolean({ defaultValue: false, description: 'Also list the positions of retracted statements.' }),
      },
      resolve: async (actor, args, ctx, info) => {
        const claim = await resolveRef(ctx, args.claim, 'Claim');
        const window = pageWindow(args, ctx);
        const page = claim ? await positionsLoader(ctx, claim.id, args.includeRetracted ?? false, window, asksForTotalCount(info)).load(actor.id) : { rows: [], count: 0 };
        // Nodes are the position rows themselves; the helper only formats their (stance id) cursors and the page info.
        return { ...stancePaging.resolve(page.rows as never[], args, ctx, actor), totalCount: page.count } as never;
      },
    },
    { fields: (connection) => ({ totalCount: connection.int({ resolve: (result) => (result as unknown as { totalCount: number }).totalCount }) }) },
  ),
);

builder.queryField('positionChanges', (t) =>
  t.connection(
    {
      type: PositionChangeRef,
      description: `Where actors' sides on claims changed, oldest first (by the later statement, in the order of \`Actor.positions\`). Give \`actor\`, \`claim\` or both: without either the question is the whole database's, and is refused. ${CHANGE_RULE} A stance counts for the statement's onBehalfOf, else its speaker. An unknown slug gives an empty list.`,
      args: {
        actor: t.arg.string({ description: 'The actor, by slug or global ID.' }),
        claim: t.arg.string({ description: 'The claim, by slug or global ID.' }),
        since: t.arg({ type: 'Date', description: 'Only changes said on or after this date (undated changes are left out).' }),
        includeRetracted: t.arg.boolean({ defaultValue: false, description: 'Count the stances of retracted statements too.' }),
      },
      resolve: async (_root, args, ctx, info) => {
        if (args.actor == null && args.claim == null) {
          throw badInput('positionChanges needs `actor`, `claim` or both', { argument: 'actor', field: 'Query.positionChanges' });
        }
        const [actor, claim] = await Promise.all([
          args.actor == null ? undefined : resolveRef(ctx, args.actor, 'Actor'),
          args.claim == null ? undefined : resolveRef(ctx, args.claim, 'Claim'),
        ]);
        const window = pageWindow(args, ctx);
        const page =
          actor === null || claim === null
            ? { rows: [], count: 0 }
            : await positionChangePage(
                ctx.prisma,
                { actorId: actor?.id ?? null, claimId: claim?.id ?? null, includeRetracted: args.includeRetracted ?? false, since: args.since ? formatIsoDate(args.since) : null },
                window,
                asksForTotalCount(info),
              );
        return { ...stancePaging.resolve(page.rows as never[], args, ctx, null as never), totalCount: page.count } as never;
      },
    },
    { fields: (connection) => ({ totalCount: connection.int({ resolve: (result) => (result as unknown as { totalCount: number }).totalCount }) }) },
  ),
);

builder.subscriptionField('positionChanged', (t) =>
  t.field({
    type: PositionChangeRef,
    description: `A position change each time a write makes one appear (recordStatement, setStance, removeStance, updateStatement, retractStatement, deleteStatement, mergeActors, importBundle, acceptDraft), sent after it commits. ${CHANGE_RULE_OF('retracted statements')} A write that takes a side the actor already took announces nothing; a change a write makes disappear is not announced, and one that comes back is announced again. Both filters are optional (slug or global ID) and combine with AND; an unknown one is an error rather than a silent, empty stream.`,
    args: {
      actor: t.arg.string({ description: 'The actor, by slug or global ID.' }),
      claim: t.arg.string({ description: 'The claim, by slug or global ID.' }),
    },
    subscribe: async (_root, args, ctx) => {
      const [actor, claim] = await Promise.all([
        args.actor == null ? undefined : resolveRef(ctx, args.actor, 'Actor'),
        args.claim == null ? undefined : resolveRef(ctx, args.claim, 'Claim'),
      ]);
      if (actor === null) throw badInput(`There is no actor "${String(args.actor).slice(0, 80)}"`, { code: 'NOT_FOUND', argument: 'actor' });
      if (claim === null) throw badInput(`There is no claim "${String(args.claim).slice(0, 80)}"`, { code: 'NOT_FOUND', argument: 'claim' });
      return pipe(
        ctx.events.subscribe('positionChanged'),
        filter((event: PositionChangedEvent) => (!actor || event.actorId === actor.id) && (!claim || event.claimId === claim.id)),
      );
    },
    resolve: (event: PositionChangedEvent): ChangeNode => ({
      id: event.toStanceId,
      actorId: event.actorId,
      claimId: event.claimId,
      from: event.from,
      to: event.to,
      fromStatementId: event.fromStatementId,
      toStatementId: event.toStatementId,
      fromStanceId: event.fromStanceId,
      at: event.at,
    }),
  }),
);
