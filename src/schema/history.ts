import { prismaConnectionHelpers } from '@pothos/plugin-prisma';
import type { GraphQLResolveInfo } from 'graphql';
import { builder } from '../builder.js';
import { isUuid } from '../domain/uuid7.js';
import { badInput } from '../graphql/errors.js';
import type { Context } from '../context.js';
import type { AuditEntry, ClaimStatusChange, Prisma } from '../generated/prisma/client.js';
import * as sql from '../sql/read/fields.js';
import { ClaimStatusEnum } from './enums.js';

/**
 * History: every record's revisions, read from the audit log the write path fills (one entry per write,
 * in the write's transaction), and a claim's derived-status changes, written by the write that changed
 * the status. The compiler reads both from SQL (fields.ts); the resolvers below serve the objects it does
 * not plan (reviews, an argument it leaves to them) with the same rules.
 */

export const Revision = builder.objectRef<AuditEntry>('Revision').implement({
  description: 'One write that changed a record: when, by whom (the token’s name), the mutation, the record before and after (as fact-bundle entries), and the correction note.',
  fields: (t) => ({
    at: t.field({ type: 'DateTime', extensions: { sql: sql.read.column('at', 'timestamp') }, resolve: (entry) => entry.at }),
    writer: t.string({ description: 'The name of the token that made the write.', extensions: { sql: sql.read.column('writer') }, resolve: (entry) => entry.writer }),
    action: t.string({ description: 'The mutation, e.g. updateStatement, setStance, importBundle.', extensions: { sql: sql.read.column('action') }, resolve: (entry) => entry.action }),
    before: t.field({ type: 'JSON', nullable: true, description: 'The record before the write; null when it created the record.', extensions: { sql: sql.read.column('before', 'json') }, resolve: (entry) => entry.before }),
    after: t.field({ type: 'JSON', nullable: true, description: 'The record after the write; null when it deleted the record.', extensions: { sql: sql.read.column('after', 'json') }, resolve: (entry) => entry.after }),
    reason: t.string({ nullable: true, description: 'The correction note given with the write (`reason`), if any; a retraction’s reason.', extensions: { sql: sql.read.column('reason') }, resolve: (entry) => entry.reason }),
  }),
});

const auditPaging = prismaConnectionHelpers(builder, 'AuditEntry', { cursor: 'id' });
const statusPaging = prismaConnectionHelpers(builder, 'ClaimStatusChange', { cursor: 'id' });

interface Window {
  /** n+1, negative when paging backwards (plugin-prisma's convention). */
  take: number;
  skip?: number;
  cursor?: { id: string };
}

interface Sequenced {
  seq: bigint;
}

/**
 * A page in record order (`seq`) from a cursor's position, as the read compiler pages: a cursor of a row
 * that is not in this list (another record's revision) pages from where its row stands, one that names no
 * row gives an empty page. (Prisma's own `cursor` + `skip: 1` would drop a row for the former.)
 */
async function pageBySeq<Row extends Sequenced>(
  window: Window,
  seqOf: (id: string) => Promise<Sequenced | null>,
  find: (seq: { gt?: bigint; lt?: bigint } | undefined, order: 'asc' | 'desc', take: number) => Promise<Row[]>,
): Promise<Row[]> {
  const backward = window.take < 0;
  let seq: { gt?: bigint; lt?: bigint } | undefined;
  if (window.cursor) {
    if (!isUuid(window.cursor.id)) throw badInput('`after`/`before` is not a cursor of this list', { code: 'BAD_USER_INPUT' });
    const position = await seqOf(window.cursor.id);
    if (!position) return [];
    seq = backward ? { lt: position.seq } : { gt: position.seq };
  }
  const rows = await find(seq, backward ? 'desc' : 'asc', Math.abs(window.take));
  return backward ? rows.reverse() : rows;
}

/** Relay paging by plugin-prisma's rules (cursor checks, page sizes, page info), over rows in record order. */
function windowOf(paging: typeof auditPaging | typeof statusPaging, args: object, ctx: Context): Window {
  return paging.getQuery(args as never, ctx, (() => ({})) as never) as unknown as Window;
}

/** Whether the connection's selection may read `totalCount` (a fragment counts as a maybe). */
const asksForTotalCount = (info: GraphQLResolveInfo) =>
  info.fieldNodes.some((node) => node.selectionSet?.selections.some((selection) => selection.kind !== 'Field' || selection.name.value === 'totalCount'));

const HISTORY_DESCRIPTION =
  'The revisions of this record, oldest first: each write that created, changed or deleted it (imports and accepted drafts included), and for statements and claims the stance changes between them.';

type HistoryModel = 'Actor' | 'Affiliation' | 'Source' | 'Statement' | 'Claim' | 'Stance' | 'Review';

function addHistory(model: HistoryModel) {
  builder.prismaObjectField(model, 'history', (t) =>
    t.connection(
      {
        type: Revision,
        description: HISTORY_DESCRIPTION,
        extensions: { sql: sql.history(model) },
        resolve: async (parent, args, ctx, info) => {
          const window = windowOf(auditPaging, args, ctx);
          const where: Prisma.AuditEntryWhereInput = { OR: [{ targetType: model, targetId: parent.id }, { related: { has: parent.id } }] };
          const rows = await pageBySeq(
            window,
            (id) => ctx.prisma.auditEntry.findUnique({ where: { id }, select: { seq: true } }),
            (seq, order, take) => ctx.prisma.auditEntry.findMany({ where: seq ? { AND: [where, { seq }] } : where, orderBy: { seq: order }, take }),
          );
          const totalCount = asksForTotalCount(info) ? await ctx.prisma.auditEntry.count({ where }) : 0;
          return { ...auditPaging.resolve(rows as never[], args, ctx, parent as never), totalCount } as never;
        },
      },
      { fields: (connection) => ({ totalCount: connection.int({ resolve: (result) => (result as unknown as { totalCount: number }).totalCount }) }) },
    ),
  );
}

for (const model of ['Actor', 'Affiliation', 'Source', 'Statement', 'Claim', 'Stance', 'Review'] as const) addHistory(model);

export const StatusChange = builder.objectRef<ClaimStatusChange>('StatusChange').implement({
  description: 'A change of a claim’s derived status, and the write that caused it.',
  fields: (t) => ({
    at: t.field({ type: 'DateTime', extensions: { sql: sql.read.column('at', 'timestamp') }, resolve: (change) => change.at }),
    from: t.field({ type: ClaimStatusEnum, extensions: { sql: sql.read.column('from') }, resolve: (change) => change.from }),
    to: t.field({ type: ClaimStatusEnum, extensions: { sql: sql.read.column('to') }, resolve: (change) => change.to }),
    action: t.string({
      description: 'The mutation that caused it: recordStatement, setStance or removeStance (a stance), retractStatement, updateStatement, deleteStatement, mergeActors, importBundle, acceptDraft.',
      extensions: { sql: sql.read.column('action') },
      resolve: (change) => change.action,
    }),
    writer: t.string({ description: 'The name of the token that made the write.', extensions: { sql: sql.read.column('writer') }, resolve: (change) => change.writer }),
    statement: t.prismaField({
      type: 'Statement',
      nullable: true,
      description: 'The statement whose stance, retraction or edit caused the change; null when a bulk write or a merge did, or the statement has been deleted since.',
      extensions: { sql: sql.read.one('Statement', 'statementId') },
      resolve: (query, change, _args, ctx) => (change.statementId ? ctx.prisma.statement.findUnique({ ...query, where: { id: change.statementId } }) : null),
    }),
  }),
});

builder.prismaObjectField('Claim', 'statusHistory', (t) =>
  t.connection(
    {
      type: StatusChange,
      description: 'Each change of this claim’s derived status, oldest first, with the write that caused it. A claim starts UNRESOLVED; the last change’s `to` is its `status`.',
      extensions: { sql: sql.statusHistory },
      resolve: async (claim, args, ctx, info) => {
        const window = windowOf(statusPaging, args, ctx);
        const where = { claimId: claim.id };
        const rows = await pageBySeq(
          window,
          (id) => ctx.prisma.claimStatusChange.findUnique({ where: { id }, select: { seq: true } }),
          (seq, order, take) => ctx.prisma.claimStatusChange.findMany({ where: seq ? { ...where, seq } : where, orderBy: { seq: order }, take }),
        );
        const totalCount = asksForTotalCount(info) ? await ctx.prisma.claimStatusChange.count({ where }) : 0;
        return { ...statusPaging.resolve(rows as never[], args, ctx, claim as never), totalCount } as never;
      },
    },
    { fields: (connection) => ({ totalCount: connection.int({ resolve: (result) => (result as unknown as { totalCount: number }).totalCount }) }) },
  ),
);
