import { builder } from '../builder.js';
import * as sql from '../sql/read/fields.js';
import { newestFirst, relatedStatements, SOURCE_STATEMENTS } from './related.js';
import { Statement } from './statement.js';

export const Source = builder.prismaNode('Source', {
  id: { field: 'id' },
  nullable: true,
  description: 'Where statements and claims were found: an article, a transcript, a report.',
  fields: (t) => ({
    slug: t.exposeString('slug', { extensions: { sql: sql.read.column('slug') } }),
    title: t.exposeString('title', { extensions: { sql: sql.read.column('title') } }),
    url: t.exposeString('url', { extensions: { sql: sql.read.column('url') }, nullable: true, description: 'Only when known: never invented.' }),
    publisher: t.exposeString('publisher', { nullable: true, extensions: { sql: sql.read.column('publisher') } }),
    publishedOn: t.expose('publishedOn', { type: 'Date', nullable: true, extensions: { sql: sql.read.column('publishedOn', 'date') } }),
    text: t.exposeString('text', { nullable: true, extensions: { sql: sql.read.column('text') }, description: "The source's full text, when kept, exactly as given: statements' `quote` offsets point into it." }),
    textSha256: t.exposeString('textSha256', { nullable: true, extensions: { sql: sql.read.column('textSha256') }, description: 'SHA-256 of `text` (UTF-8 bytes, lowercase hex), to check a copy or find the same article again.' }),
    statements: t.connection(
      {
        type: Statement,
        extensions: { sql: sql.sourceStatements },
        description: 'Statements carried by this source, newest first.',
        args: newestFirst.getArgs(),
        resolve: (source, args, ctx, info) => relatedStatements(SOURCE_STATEMENTS, source, args, ctx, info),
      },
      { fields: (connection) => ({ totalCount: connection.int({ resolve: (result) => result.totalCount }) }) },
    ),
    claims: t.relatedConnection('claims', {
      extensions: { sql: sql.sourceClaims },
      description: "Claims the source's own narration makes (claims made by a statement are reached through its stances).",
      cursor: 'id',
      totalCount: true,
      query: { orderBy: { id: 'asc' } },
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime', extensions: { sql: sql.read.column('createdAt', 'timestamp') } }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', extensions: { sql: sql.read.column('updatedAt', 'timestamp') } }),
  }),
});

builder.queryFields((t) => ({
  source: t.prismaField({
    type: Source,
    nullable: true,
    description: 'The source with this slug, or null if there is none.',
    args: { slug: t.arg.string({ required: true }) },
    resolve: (query, _root, { slug }, { prisma }) => prisma.source.findUnique({ ...query, where: { slug } }),
  }),
  sources: t.prismaConnection({
    type: Source,
    cursor: 'id',
    extensions: { sql: sql.read.connection(sql.sources) },
    description: 'All sources, most recently published first.',
    totalCount: (_parent, _args, { prisma }) => prisma.source.count(),
    resolve: (query, _root, _args, { prisma }) =>
      prisma.source.findMany({ ...query, orderBy: [{ publishedOn: { sort: 'desc', nulls: 'last' } }, { id: 'asc' }] }),
  }),
}));
