import { prismaConnectionHelpers, queryFromInfo } from '@pothos/plugin-prisma';
import DataLoader from 'dataloader';
import type { GraphQLResolveInfo } from 'graphql';
import { builder } from '../builder.js';
import type { Context } from '../context.js';
import type { Prisma, PrismaClient, Statement } from '../generated/prisma/client.js';
import { hideRetracted, NEWEST_FIRST, OLDEST_FIRST } from './order.js';

/** The page part of a connection's Prisma query, as prismaConnectionHelpers builds it from the cursor arguments. */
export interface PageQuery {
  where?: unknown;
  orderBy?: unknown;
  take: number;
  skip?: number;
  cursor?: unknown;
}

export interface Pages {
  /** Per parent id: the ids of its page's rows, in page order, and its total when asked for. */
  get(parentId: string): { ids: string[]; count?: number } | undefined;
}

/**
 * A connection on a one-to-many relation, read for every parent of a list at once in a constant number of
 * SQL statements: one for the pages (a LATERAL subquery with its own ORDER BY and LIMIT per parent, and the
 * per-parent count beside it), then the page's rows with whatever the query selects beneath them.
 * Prisma's own nested connections read every related row of every parent and cut the pages in memory,
 * and count through a GROUP BY over the whole child table.
 */
export interface RelatedPages<Row extends { id: string }> {
  name: string;
  pages(prisma: PrismaClient, parentIds: string[], page: PageQuery, withCount: boolean): Promise<Pages>;
  rows(prisma: PrismaClient, ids: string[], query: object): Promise<Row[]>;
}

interface Loaded<Row> {
  rows: Row[];
  count: number | undefined;
}

const loaders = new WeakMap<object, Map<string, DataLoader<string, Loaded<unknown>>>>();

function loaderFor<Row extends { id: string }>(context: Context, spec: RelatedPages<Row>, page: PageQuery, query: object, withCount: boolean) {
  let byKey = loaders.get(context);
  if (!byKey) loaders.set(context, (byKey = new Map()));
  const key = JSON.stringify([spec.name, page, query, withCount]);
  let loader = byKey.get(key) as DataLoader<string, Loaded<Row>> | undefined;
  if (!loader) {
    loader = new DataLoader<string, Loaded<Row>>(async (parentIds) => {
      const pages = await spec.pages(context.prisma, [...parentIds], page, withCount);
      const ids = [...new Set(parentIds.flatMap((id) => pages.get(id)?.ids ?? []))];
      const rows = ids.length === 0 ? [] : await spec.rows(context.prisma, ids, query);
      const byId = new Map(rows.map((row) => [row.id, row]));
      return parentIds.map((id) => {
        const found = pages.get(id);
        return { rows: (found?.ids ?? []).flatMap((rowId) => byId.get(rowId) ?? []), count: found?.count };
      });
    });
    byKey.set(key, loader as DataLoader<string, Loaded<unknown>>);
  }
  return loader;
}

/** Whether the connection's selection may read `totalCount` (a fragment counts as a maybe). */
function asksForTotalCount(info: GraphQLResolveInfo): boolean {
  return info.fieldNodes.some((node) => node.selectionSet?.selections.some((selection) => selection.kind !== 'Field' || selection.name.value === 'totalCount'));
}

/** What the connection's nodes select beneath them, as a Prisma `select`/`include`. */
export function nodeQuery(context: Context, info: GraphQLResolveInfo): object {
  return queryFromInfo({ context, info, path: ['edges', 'node'] }) as object;
}

const fieldLoaders = new WeakMap<object, WeakMap<object, Map<string, DataLoader<string, Loaded<unknown>>>>>();

/** One parent's page, batched with the other parents of the same field and arguments. */
export async function loadRelatedPage<Row extends { id: string }>(
  context: Context,
  info: GraphQLResolveInfo,
  spec: RelatedPages<Row>,
  parentId: string,
  args: object,
  buildQuery: () => object,
): Promise<{ rows: Row[]; totalCount: number }> {
  let byField = fieldLoaders.get(context);
  if (!byField) fieldLoaders.set(context, (byField = new WeakMap()));
  const fieldNode = info.fieldNodes[0] ?? info;
  let byArgs = byField.get(fieldNode);
  if (!byArgs) byField.set(fieldNode, (byArgs = new Map()));
  const argsKey = `${info.parentType.name}:${JSON.stringify(args)}`;
  // Planned for every parent all the same: planning also records, for this parent's path, that the rows
  // come with their relations loaded, so the fields beneath do not load them again.
  const query = buildQuery();
  let loader = byArgs.get(argsKey) as DataLoader<string, Loaded<Row>> | undefined;
  if (!loader) {
    const { where, orderBy, take, skip, cursor, ...selection } = query as PageQuery & Record<string, unknown>;
    const page: PageQuery = { where, orderBy, take, ...(skip ? { skip } : {}), ...(cursor ? { cursor } : {}) };
    loader = loaderFor(context, spec, page, selection, asksForTotalCount(info));
    byArgs.set(argsKey, loader as DataLoader<string, Loaded<unknown>>);
  }
  const loaded = await loader.load(parentId);
  return { rows: loaded.rows, totalCount: loaded.count ?? 0 };
}

/** The page's Statement rows with what the query selects beneath them. */
export const statementRows = (prisma: PrismaClient, ids: string[], query: object) =>
  prisma.statement.findMany({ ...(query as Pick<Prisma.StatementFindManyArgs, 'select' | 'include'>), where: { id: { in: ids } } }) as unknown as Promise<Statement[]>;

const pagesOf = <Parent extends { id: string; _count?: Record<string, number> }>(rows: Parent[], children: (row: Parent) => { id: string }[], count: (row: Parent) => number | undefined): Pages => {
  const byParent = new Map(rows.map((row) => [row.id, { ids: children(row).map((child) => child.id), count: count(row) }]));
  return { get: (id) => byParent.get(id) };
};

const childPage = (page: PageQuery) => ({ ...page, select: { id: true } }) as Prisma.Actor$statementsArgs & { where?: Prisma.StatementWhereInput };

export const ACTOR_STATEMENTS: RelatedPages<Statement> = {
  name: 'Actor.statements',
  pages: async (prisma, parentIds, page, withCount) =>
    pagesOf(
      await prisma.actor.findMany({
        where: { id: { in: parentIds } },
        relationLoadStrategy: 'join',
        select: { id: true, statements: childPage(page), ...(withCount ? { _count: { select: { statements: { where: childPage(page).where } } } } : {}) },
      }),
      (row) => row.statements,
      (row) => row._count?.statements,
    ),
  rows: statementRows,
};

export const ACTOR_STATEMENTS_ON_BEHALF: RelatedPages<Statement> = {
  name: 'Actor.statementsOnBehalf',
  pages: async (prisma, parentIds, page, withCount) =>
    pagesOf(
      await prisma.actor.findMany({
        where: { id: { in: parentIds } },
        relationLoadStrategy: 'join',
        select: { id: true, statementsOnBehalf: childPage(page), ...(withCount ? { _count: { select: { statementsOnBehalf: { where: childPage(page).where } } } } : {}) },
      }),
      (row) => row.statementsOnBehalf,
      (row) => row._count?.statementsOnBehalf,
    ),
  rows: statementRows,
};

export const SOURCE_STATEMENTS: RelatedPages<Statement> = {
  name: 'Source.statements',
  pages: async (prisma, parentIds, page, withCount) =>
    pagesOf(
      await prisma.source.findMany({
        where: { id: { in: parentIds } },
        relationLoadStrategy: 'join',
        select: { id: true, statements: childPage(page), ...(withCount ? { _count: { select: { statements: { where: childPage(page).where } } } } : {}) },
      }),
      (row) => row.statements,
      (row) => row._count?.statements,
    ),
  rows: statementRows,
};

export const STATEMENT_RESPONSES: RelatedPages<Statement> = {
  name: 'Statement.responses',
  pages: async (prisma, parentIds, page, withCount) =>
    pagesOf(
      await prisma.statement.findMany({
        where: { id: { in: parentIds } },
        relationLoadStrategy: 'join',
        select: { id: true, responses: childPage(page), ...(withCount ? { _count: { select: { responses: { where: childPage(page).where } } } } : {}) },
      }),
      (row) => row.responses,
      (row) => row._count?.responses,
    ),
  rows: statementRows,
};


const statementHelpers = (orderBy: typeof NEWEST_FIRST | typeof OLDEST_FIRST) =>
  prismaConnectionHelpers(builder, 'Statement', {
    cursor: 'id',
    args: (t) => ({ includeRetracted: t.boolean({ defaultValue: false, description: 'Also list retracted statements.' }) }),
    // Prisma accepts a list here (the date, then record order); Pothos types one entry.
    query: (args) => ({ where: hideRetracted(args), orderBy: orderBy as unknown as Prisma.StatementOrderByWithRelationInput }),
  });

export const newestFirst = statementHelpers(NEWEST_FIRST);
export const oldestFirst = statementHelpers(OLDEST_FIRST);

type StatementHelpers = typeof newestFirst;

export async function relatedStatements(
  spec: RelatedPages<Statement>,
  parent: { id: string },
  args: Parameters<StatementHelpers['getQuery']>[0],
  ctx: Context,
  info: GraphQLResolveInfo,
  helpers: StatementHelpers = newestFirst,
) {
  const { rows, totalCount } = await loadRelatedPage(ctx, info, spec, parent.id, args, () =>
    helpers.getQuery(args, ctx, (() => nodeQuery(ctx, info)) as Parameters<StatementHelpers['getQuery']>[2]),
  );
  return { ...helpers.resolve(rows, args, ctx, parent), totalCount };
}

const byIdLoaders = new WeakMap<object, Map<string, DataLoader<string, Statement | null>>>();

/** Statements by id with what the field selects beneath them, batched per request and selection. */
export function loadStatementsById(context: Context, info: GraphQLResolveInfo, ids: readonly string[]): Promise<Statement[]> {
  const query = queryFromInfo({ context, info }) as object;
  let byKey = byIdLoaders.get(context);
  if (!byKey) byIdLoaders.set(context, (byKey = new Map()));
  const key = JSON.stringify(query);
  let loader = byKey.get(key);
  if (!loader) {
    loader = new DataLoader<string, Statement | null>(async (keys) => {
      const rows = await statementRows(context.prisma, [...keys], query);
      const byId = new Map(rows.map((row) => [row.id, row]));
      return keys.map((id) => byId.get(id) ?? null);
    });
    byKey.set(key, loader);
  }
  return loader.loadMany(ids).then((rows) => rows.filter((row): row is Statement => row !== null && !(row instanceof Error)));
}
