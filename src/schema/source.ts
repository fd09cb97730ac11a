import { builder } from '../builder.js';
import { hideRetracted, NEWEST_FIRST } from './order.js';

export const Source = builder.prismaNode('Source', {
  id: { field: 'id' },
  nullable: true,
  description: 'Where statements and claims were found: an article, a transcript, a report.',
  fields: (t) => ({
    slug: t.exposeString('slug'),
    title: t.exposeString('title'),
    url: t.exposeString('url', { nullable: true, description: 'Only when known: never invented.' }),
    publisher: t.exposeString('publisher', { nullable: true }),
    publishedOn: t.expose('publishedOn', { type: 'Date', nullable: true }),
    statements: t.relatedConnection('statements', {
      description: 'Statements carried by this source, newest first.',
      cursor: 'id',
      totalCount: true,
      args: { includeRetracted: t.arg.boolean({ defaultValue: false, description: 'Also list retracted statements.' }) },
      query: (args) => ({ where: hideRetracted(args), orderBy: NEWEST_FIRST }),
    }),
    claims: t.relatedConnection('claims', {
      description: "Claims the source's own narration makes (claims made by a statement are reached through its stances).",
      cursor: 'id',
      totalCount: true,
      query: { orderBy: { id: 'asc' } },
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
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
    description: 'All sources, most recently published first.',
    totalCount: (_parent, _args, { prisma }) => prisma.source.count(),
    resolve: (query, _root, _args, { prisma }) =>
      prisma.source.findMany({ ...query, orderBy: [{ publishedOn: { sort: 'desc', nulls: 'last' } }, { id: 'asc' }] }),
  }),
}));
