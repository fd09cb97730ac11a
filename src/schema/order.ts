import type { Prisma } from '../generated/prisma/client.js';

/** Newest first; undated statements last; ties in the order they were recorded, latest first. */
export const NEWEST_FIRST = [
  { saidOn: { sort: 'desc', nulls: 'last' } },
  { seq: 'desc' },
] satisfies Prisma.StatementOrderByWithRelationInput[];

/** Conversation order, for the responses to a statement. */
export const OLDEST_FIRST = [
  { saidOn: { sort: 'asc', nulls: 'first' } },
  { seq: 'asc' },
] satisfies Prisma.StatementOrderByWithRelationInput[];
