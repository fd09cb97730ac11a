import type { Prisma, PrismaClient } from '../generated/prisma/client.js';
import { type ChangePosition, type ChangeRow, changeFeedHead, readChanges } from '../sql/changes/read.js';

export type { ChangePosition } from '../sql/changes/read.js';

export const CHANGE_ACTIONS = ['CREATED', 'UPDATED', 'RETRACTED', 'DELETED', 'MERGED'] as const;
export type ChangeAction = (typeof CHANGE_ACTIONS)[number];

/** One change to one record, as the feed and webhooks show it. */
export interface Change {
  /** Resume after this change: pass it as `since`. */
  cursor: string;
  seq: bigint;
  at: Date;
  /** Actor, Affiliation, Source, Claim, Statement or Stance. */
  type: string;
  action: ChangeAction;
  /** The mutation that made it, e.g. recordStatement, importBundle. */
  mutation: string;
  /** The record's database id (none for a stance, which is named by its slug: statement/claim). */
  recordId: string | null;
  slug: string | null;
  /** Slugs of the actors and claims the change is about (a statement's speaker, a stance's claim, ...). */
  actors: string[];
  claims: string[];
  writer: string;
  before: unknown;
  after: unknown;
}

export const START: ChangePosition = { txid: 0n, seq: 0n };

const CURSOR = /^(\d{1,19})\.(\d{1,19})$/;

export function encodeCursor(position: ChangePosition): string {
  return Buffer.from(`${position.txid}.${position.seq}`, 'utf8').toString('base64url');
}

/** The position a cursor names, or null when it is not one of ours. */
export function decodeCursor(cursor: string): ChangePosition | null {
  if (cursor.length > 60 || !/^[A-Za-z0-9_-]*$/.test(cursor)) return null;
  const match = CURSOR.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match?.[1] || !match[2]) return null;
  const position = { txid: BigInt(match[1]), seq: BigInt(match[2]) };
  return position.txid < 2n ** 63n && position.seq < 2n ** 63n ? position : null;
}

const field = (value: unknown, key: string): unknown => (typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined);
const text = (value: unknown): string[] => (typeof value === 'string' && value ? [value] : []);

function actionOf(row: ChangeRow): ChangeAction {
  const mutation = row.action;
  if (mutation === 'mergeActors') return 'MERGED';
  if (mutation === 'retractStatement') return 'RETRACTED';
  if (mutation.startsWith('delete') || mutation === 'removeStance') return 'DELETED';
  if (mutation.startsWith('create') || mutation === 'recordStatement') return 'CREATED';
  if (row.before === null || row.before === undefined) return 'CREATED';
  if (row.targetType === 'Statement' && !field(row.before, 'retraction') && field(row.after, 'retraction')) return 'RETRACTED';
  return 'UPDATED';
}

function subjects(row: ChangeRow): { actors: string[]; claims: string[] } {
  const actors = new Set<string>();
  const claims = new Set<string>();
  for (const image of [row.before, row.after]) {
    switch (row.targetType) {
      case 'Actor':
        for (const slug of [...text(field(image, 'slug')), ...text(field(field(image, 'into'), 'slug')), ...text(field(field(image, 'from'), 'slug'))]) actors.add(slug);
        break;
      case 'Affiliation':
        for (const slug of [...text(field(image, 'actor')), ...text(field(image, 'organization'))]) actors.add(slug);
        break;
      case 'Statement': {
        for (const slug of [...text(field(image, 'speaker')), ...text(field(image, 'onBehalfOf'))]) actors.add(slug);
        const stances = field(image, 'stances');
        if (Array.isArray(stances)) for (const stance of stances) for (const slug of text(field(stance, 'claim'))) claims.add(slug);
        break;
      }
      case 'Claim':
        for (const slug of text(field(image, 'slug'))) claims.add(slug);
        break;
      case 'Stance':
        for (const slug of text(field(image, 'claim'))) claims.add(slug);
        break;
    }
  }
  if (row.targetSlug && row.targetType === 'Actor') actors.add(row.targetSlug);
  if (row.targetSlug && row.targetType === 'Claim') claims.add(row.targetSlug);
  return { actors: [...actors].sort(), claims: [...claims].sort() };
}

export function toChange(row: ChangeRow): Change {
  return {
    cursor: encodeCursor(row),
    seq: row.seq,
    at: row.at,
    type: row.targetType,
    action: actionOf(row),
    mutation: row.action,
    recordId: row.targetId,
    slug: row.targetSlug,
    ...subjects(row),
    writer: row.writer,
    before: row.before ?? null,
    after: row.after ?? null,
  };
}

export interface ChangePage {
  changes: Change[];
  /** Where to resume: the last change's cursor, or the cursor asked with when there was none. */
  cursor: string;
  hasMore: boolean;
}

/** Up to `limit` changes after `after`, oldest first; see readChanges for why none is ever skipped. */
export async function changesAfter(prisma: PrismaClient | Prisma.TransactionClient, after: ChangePosition, limit: number): Promise<ChangePage> {
  const rows = await readChanges(prisma, after, limit + 1);
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return { changes: page.map(toChange), cursor: encodeCursor(last ?? after), hasMore: rows.length > limit };
}

export const headCursor = async (prisma: PrismaClient | Prisma.TransactionClient) => encodeCursor(await changeFeedHead(prisma));
