import type { Prisma } from '../generated/prisma/client.js';

/** Newest first; undated statements last; ties in the order they were recorded, latest first. */
export const NEWEST_FIRST = [
  { saidOn: { sort: 'desc', nulls: 'last' } },
  { seq: 'desc' },
] satisfies Prisma.StatementOrderByWithRelationInput[];

/** Retracted statements stay in the database but out of lists, unless a client asks for them. */
export const hideRetracted = (args: { includeRetracted?: boolean | null }): Prisma.StatementWhereInput =>
  args.includeRetracted ? {} : { retractedAt: null };

/** Conversation order, for the responses to a statement. */
export const OLDEST_FIRST = [
  { saidOn: { sort: 'asc', nulls: 'first' } },
  { seq: 'asc' },
] satisfies Prisma.StatementOrderByWithRelationInput[];
