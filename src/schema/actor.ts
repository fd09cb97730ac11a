import { AS_OF_DESCRIPTION } from './as-of.js';
import { builder } from '../builder.js';
import { actorSearchText } from '../domain/actors.js';
import type { Prisma } from '../generated/prisma/client.js';
import { likeLiteral, SEARCH, searchTerm } from './args.js';
import { ActorKindEnum } from './enums.js';
import { ACTOR_STATEMENTS, ACTOR_STATEMENTS_ON_BEHALF, newestFirst, relatedStatements } from './related.js';
import { Statement } from './statement.js';
import * as sql from '../sql/read/fields.js';

export const Actor = builder.prismaNode('Actor', {
  id: { field: 'id' },
  nullable: true,
  description: 'A person, state, government body, organization, military or group that makes or is named in statements.',
  fields: (t) => ({
    slug: t.exposeString('slug', { extensions: { sql: sql.read.column('slug') }, description: 'Stable, human-readable identifier, e.g. `lin-jian`.' }),
    name: t.exposeString('name', { extensions: { sql: sql.read.column('name') } }),
    kind: t.expose('kind', { type: ActorKindEnum, extensions: { sql: sql.read.column('kind') } }),
    aliases: t.exposeStringList('aliases', {
      extensions: { sql: sql.read.column('aliases') }, description: 'Other names the actor goes by, e.g. "Beijing" for China. Searched by `actors(search:)`.' }),
    description: t.exposeString('description', { nullable: true, extensions: { sql: sql.read.column('description') } }),
    wikidataId: t.exposeString('wikidataId', { nullable: true, extensions: { sql: sql.read.column('wikidataId') }, description: 'The Wikidata item for this actor, e.g. `Q159` for Russia.' }),
    wikidataUrl: t.string({
      nullable: true,
      select: { wikidataId: true },
      extensions: { sql: sql.wikidataUrl },
      resolve: (actor) => (actor.wikidataId ? `https://www.wikidata.org/wiki/${actor.wikidataId}` : null),
    }),
    affiliations: t.relation('affiliations', {
      extensions: { sql: sql.actorAffiliations },
      description: 'The roles this actor holds in other actors, e.g. spokesperson of a ministry.',
      query: { orderBy: [{ from: { sort: 'asc', nulls: 'first' } }, { role: 'asc' }] },
    }),
    members: t.relation('members', {
      extensions: { sql: sql.actorMembers },
      description: 'The affiliations of other actors with this one, e.g. the spokesperson of this ministry.',
      query: { orderBy: [{ from: { sort: 'asc', nulls: 'first' } }, { role: 'asc' }] },
    }),
    statements: t.connection(
      {
        type: Statement,
        extensions: { sql: sql.actorStatements },
        description:
          'Statements this actor made itself, as the speaker, newest first. Statements made on its behalf by someone else (a spokesperson speaking for a state) are NOT included here: they are in `statementsOnBehalf`, and `Query.statements(actor:)` lists both.',
        args: newestFirst.getArgs(),
        resolve: (actor, args, ctx, info) => relatedStatements(ACTOR_STATEMENTS, actor, args, ctx, info),
      },
      { fields: (connection) => ({ totalCount: connection.int({ resolve: (result) => result.totalCount }) }) },
    ),
    statementsOnBehalf: t.connection(
      {
        type: Statement,
        extensions: { sql: sql.actorStatementsOnBehalf },
        description: 'Statements others made on behalf of this actor (Lin Jian speaking for China), newest first.',
        args: newestFirst.getArgs(),
        resolve: (actor, args, ctx, info) => relatedStatements(ACTOR_STATEMENTS_ON_BEHALF, actor, args, ctx, info),
      },
      { fields: (connection) => ({ totalCount: connection.int({ resolve: (result) => result.totalCount }) }) },
    ),
    createdAt: t.expose('createdAt', { type: 'DateTime', extensions: { sql: sql.read.column('createdAt', 'timestamp') } }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', extensions: { sql: sql.read.column('updatedAt', 'timestamp') } }),
  }),
});

builder.queryFields((t) => ({
  actor: t.prismaField({
    type: Actor,
    nullable: true,
    description: 'The actor with this slug, or null if there is none (as of `asOf`, when given).',
    args: { slug: t.arg.string({ required: true }), asOf: t.arg({ type: 'DateTime', description: AS_OF_DESCRIPTION }) },
    resolve: (query, _root, { slug }, { prisma }) => prisma.actor.findUnique({ ...query, where: { slug } }),
  }),
  actors: t.prismaConnection({
    type: Actor,
    cursor: 'id',
    extensions: { sql: sql.read.connection(sql.actors) },
    totalCount: (_parent, args, { prisma }) => prisma.actor.count({ where: actorFilter(args) }),
    description: 'Actors by name (A to Z). `search` matches a case-insensitive substring of the name or any alias.',
    args: {
      kind: t.arg({ type: ActorKindEnum }),
      search: t.arg.string({ validate: SEARCH, description: 'Case-insensitive substring of the name or any alias (at most 200 characters).' }),
    },
    resolve: (query, _root, args, { prisma }) =>
      prisma.actor.findMany({ ...query, where: actorFilter(args), orderBy: [{ name: 'asc' }, { id: 'asc' }] }),
  }),
}));

function actorFilter(args: { kind?: Prisma.ActorWhereInput['kind'] | null; search?: string | null }): Prisma.ActorWhereInput {
  const term = searchTerm(args.search);
  return {
    ...(args.kind ? { kind: args.kind } : {}),
    ...(term ? { searchText: { contains: likeLiteral(actorSearchText(term, [])) } } : {}),
  };
}
