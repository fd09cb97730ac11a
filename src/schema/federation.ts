import DataLoader from 'dataloader';
import { builder, decodeGlobalId } from '../builder.js';
import type { Context } from '../context.js';
import type { Actor as ActorRow, Claim as ClaimRow, Source as SourceRow, Statement as StatementRow } from '../generated/prisma/client.js';
import { Actor } from './actor.js';
import { Claim } from './claim.js';
import { Source } from './source.js';
import { Statement } from './statement.js';

type ActorKey = { id: string } | { slug: string } | { wikidataId: string };

/** Loaders live as long as the request's context, so one `_entities` call batches all its representations. */
const entityLoaders = new WeakMap<Context, ReturnType<typeof createEntityLoaders>>();

const loadersOf = (ctx: Context) => {
  let loaders = entityLoaders.get(ctx);
  if (!loaders) {
    loaders = createEntityLoaders(ctx);
    entityLoaders.set(ctx, loaders);
  }
  return loaders;
};

const cacheKeyOf = (key: ActorKey) => JSON.stringify(key);

/** A representation names a record of this type by its global ID; one of another type or malformed resolves to null. */
function rowIdOf(typename: string, globalId: string): string | null {
  try {
    const decoded = decodeGlobalId(globalId);
    return decoded.typename === typename ? decoded.id : null;
  } catch {
    return null;
  }
}

function byIdLoader<Row extends { id: string }>(typename: string, load: (ids: string[]) => Promise<Row[]>) {
  return new DataLoader<string, Row | null>(async (globalIds) => {
    const ids = globalIds.map((globalId) => rowIdOf(typename, globalId));
    const wanted = ids.filter((id): id is string => id !== null);
    const rows = wanted.length ? await load([...new Set(wanted)]) : [];
    const byId = new Map(rows.map((row) => [row.id, row]));
    return ids.map((id) => (id === null ? null : (byId.get(id) ?? null)));
  });
}

function createEntityLoaders({ prisma }: Context) {
  return {
    actor: new DataLoader<ActorKey, ActorRow | null, string>(
      async (keys) => {
        const ids = keys.flatMap((key) => ('id' in key ? [rowIdOf('Actor', key.id)] : [])).filter((id): id is string => id !== null);
        const slugs = keys.flatMap((key) => ('slug' in key ? [key.slug] : []));
        const wikidataIds = keys.flatMap((key) => ('wikidataId' in key ? [key.wikidataId] : []));
        const rows = await prisma.actor.findMany({
          where: {
            OR: [
              ...(ids.length ? [{ id: { in: ids } }] : []),
              ...(slugs.length ? [{ slug: { in: slugs } }] : []),
              ...(wikidataIds.length ? [{ wikidataId: { in: wikidataIds } }] : []),
            ],
          },
        });
        return keys.map((key) => {
          if ('id' in key) return rows.find((row) => row.id === rowIdOf('Actor', key.id)) ?? null;
          if ('slug' in key) return rows.find((row) => row.slug === key.slug) ?? null;
          return rows.find((row) => row.wikidataId === key.wikidataId) ?? null;
        });
      },
      { cacheKeyFn: cacheKeyOf },
    ),
    statement: byIdLoader<StatementRow>('Statement', (ids) => prisma.statement.findMany({ where: { id: { in: ids } } })),
    claim: byIdLoader<ClaimRow>('Claim', (ids) => prisma.claim.findMany({ where: { id: { in: ids } } })),
    source: byIdLoader<SourceRow>('Source', (ids) => prisma.source.findMany({ where: { id: { in: ids } } })),
  };
}

/** Gateways pass keys through as given; a non-string key value cannot match a record. */
function actorKeyOf(representation: Record<string, unknown>): ActorKey | null {
  if (typeof representation.id === 'string') return { id: representation.id };
  if (typeof representation.slug === 'string') return { slug: representation.slug };
  if (typeof representation.wikidataId === 'string') return { wikidataId: representation.wikidataId };
  return null;
}

builder.asEntity(Actor, {
  key: [
    builder.selection<{ id: string }>('id'),
    builder.selection<{ slug: string }>('slug'),
    builder.selection<{ wikidataId: string }>('wikidataId'),
  ],
  resolveReference: (representation, ctx) => {
    const key = actorKeyOf(representation);
    return key ? loadersOf(ctx).actor.load(key) : null;
  },
});

builder.asEntity(Statement, {
  key: builder.selection<{ id: string }>('id'),
  resolveReference: ({ id }, ctx) => loadersOf(ctx).statement.load(id),
});

builder.asEntity(Claim, {
  key: builder.selection<{ id: string }>('id'),
  resolveReference: ({ id }, ctx) => loadersOf(ctx).claim.load(id),
});

builder.asEntity(Source, {
  key: builder.selection<{ id: string }>('id'),
  resolveReference: ({ id }, ctx) => loadersOf(ctx).source.load(id),
});
