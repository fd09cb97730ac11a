import { builder } from '../builder.js';
import { requireScope } from '../context.js';

const AuditEntry = builder.prismaNode('AuditEntry', {
  id: { field: 'id' },
  nullable: true,
  description: 'One write: who made it, when, to what, and the record before and after (as fact-bundle entries).',
  fields: (t) => ({
    at: t.expose('at', { type: 'DateTime' }),
    writer: t.exposeString('writer', { description: 'The name of the token that made the write.' }),
    action: t.exposeString('action', { description: 'The mutation, e.g. recordStatement.' }),
    targetType: t.exposeString('targetType'),
    targetId: t.exposeString('targetId', { nullable: true, description: 'The database id of the record (not a global ID).' }),
    targetSlug: t.exposeString('targetSlug', { nullable: true }),
    before: t.expose('before', { type: 'JSON', nullable: true }),
    after: t.expose('after', { type: 'JSON', nullable: true }),
  }),
});

builder.queryFields((t) => ({
  auditLog: t.prismaConnection({
    type: AuditEntry,
    cursor: 'id',
    description: 'Every write, newest first (admin scope).',
    args: { writer: t.arg.string(), action: t.arg.string(), targetType: t.arg.string() },
    resolve: async (query, _root, args, ctx) => {
      await requireScope(ctx, 'admin');
      return ctx.prisma.auditEntry.findMany({
        ...query,
        where: {
          ...(args.writer ? { writer: args.writer } : {}),
          ...(args.action ? { action: args.action } : {}),
          ...(args.targetType ? { targetType: args.targetType } : {}),
        },
        orderBy: { id: 'desc' },
      });
    },
  }),
}));
