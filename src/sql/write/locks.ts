import type { Actor, Claim, Prisma, Review, Source, Statement } from '../../generated/prisma/client.js';

/**
 * Row locks, taken before the reads that drive a decision. Every write takes them in one order (actors,
 * sources, statements, claims, then reviews; ascending id within a type), and a locking read returns the newest committed
 * version of each row, even one committed while it waited. A later statement of the same transaction sees
 * everything committed before its locks were granted: decisions read there, never in the statement that
 * waited.
 *
 *   NO KEY UPDATE  the rows a write changes (blocks other writers, not foreign-key checks)
 *   UPDATE         the rows a write deletes
 *   SHARE          rows that must not change until commit: a parent and its ancestors, a quoted source
 *   KEY SHARE      rows that are only referenced: they must not be deleted or merged away
 */
type Tx = Prisma.TransactionClient;

export type LockMode = 'UPDATE' | 'NO KEY UPDATE' | 'SHARE' | 'KEY SHARE';

interface Tables {
  actor: Actor;
  source: Source;
  statement: Statement;
  claim: Claim;
  review: Review;
}

const TABLE: Record<keyof Tables, string> = { actor: '"Actor"', source: '"Source"', statement: '"Statement"', claim: '"Claim"', review: '"Review"' };
const MODES: readonly LockMode[] = ['UPDATE', 'NO KEY UPDATE', 'SHARE', 'KEY SHARE'];
const KEY_CAST = { id: 'uuid[]', slug: 'text[]' } as const;

function mode(value: LockMode): LockMode {
  if (!MODES.includes(value)) throw new Error(`unknown lock mode ${value}`);
  return value;
}

/** Locks the rows whose `key` is among `values` and returns them whole. */
export async function lockRows<T extends keyof Tables>(tx: Tx, table: T, key: 'id' | 'slug', values: readonly string[], lock: LockMode): Promise<Tables[T][]> {
  if (values.length === 0) return [];
  return tx.$queryRawUnsafe<Tables[T][]>(`SELECT * FROM ${TABLE[table]} WHERE ${key} = ANY($1::${KEY_CAST[key]}) ORDER BY id FOR ${mode(lock)}`, [...new Set(values)]);
}

export interface KeyRow {
  id: string;
  slug: string;
}

/** Locks referenced rows and returns only their keys. */
export async function lockKeys(tx: Tx, table: keyof Tables, key: 'id' | 'slug', values: readonly string[], lock: LockMode): Promise<KeyRow[]> {
  if (values.length === 0) return [];
  return tx.$queryRawUnsafe<KeyRow[]>(`SELECT id, slug FROM ${TABLE[table]} WHERE ${key} = ANY($1::${KEY_CAST[key]}) ORDER BY id FOR ${mode(lock)}`, [...new Set(values)]);
}

export interface SourceTextRow extends KeyRow {
  text: string | null;
}

/** Sources that statements quote: locked FOR SHARE so their text cannot change until commit. */
export async function lockQuotedSources(tx: Tx, key: 'id' | 'slug', values: readonly string[]): Promise<SourceTextRow[]> {
  if (values.length === 0) return [];
  return tx.$queryRawUnsafe<SourceTextRow[]>(`SELECT id, slug, text FROM "Source" WHERE ${key} = ANY($1::${KEY_CAST[key]}) ORDER BY id FOR SHARE`, [...new Set(values)]);
}

export interface ThreadRow extends KeyRow {
  respondsToId: string | null;
  threadIds: string[];
}

/** Statements on a thread path (a new parent and its ancestors): FOR SHARE, so no one moves them until commit. */
export async function lockThreadRows(tx: Tx, key: 'id' | 'slug', values: readonly string[]): Promise<ThreadRow[]> {
  if (values.length === 0) return [];
  return tx.$queryRawUnsafe<ThreadRow[]>(
    `SELECT id, slug, "respondsToId", "threadIds" FROM "Statement" WHERE ${key} = ANY($1::${KEY_CAST[key]}) ORDER BY id FOR SHARE`,
    [...new Set(values)],
  );
}

export interface DescendantRow {
  id: string;
  threadIds: string[];
}

/**
 * Every statement whose thread runs through one of `ids`, locked to be rewritten. Run it after those
 * statements are locked: then no one can add a descendant (they would need the ancestors FOR SHARE), and
 * one moved away meanwhile is re-checked and left out.
 */
export async function lockDescendants(tx: Tx, ids: readonly string[]): Promise<DescendantRow[]> {
  if (ids.length === 0) return [];
  return tx.$queryRawUnsafe<DescendantRow[]>(`SELECT id, "threadIds" FROM "Statement" WHERE "threadIds" && $1::uuid[] ORDER BY id FOR NO KEY UPDATE`, [...new Set(ids)]);
}

/** The statements an actor speaks or is represented in, locked to be changed (a merge). */
export async function lockStatementsOfActor(tx: Tx, actorId: string): Promise<{ id: string }[]> {
  return tx.$queryRawUnsafe<{ id: string }[]>(
    `SELECT id FROM "Statement" WHERE "speakerId" = $1::uuid OR "onBehalfOfId" = $1::uuid ORDER BY id FOR NO KEY UPDATE`,
    actorId,
  );
}

/**
 * Claims whose status is to be recomputed, locked FOR NO KEY UPDATE: by id, and the claims the given
 * statements take a stance on (read after those statements were locked, so no stance is missed).
 */
export async function lockClaimsForStatus(tx: Tx, claimIds: readonly string[], ofStatements: readonly string[] = []): Promise<string[]> {
  if (claimIds.length === 0 && ofStatements.length === 0) return [];
  const rows = await tx.$queryRawUnsafe<{ id: string }[]>(
    `SELECT id FROM "Claim" WHERE id = ANY($1::uuid[]) OR id IN (SELECT "claimId" FROM "Stance" WHERE "statementId" = ANY($2::uuid[])) ORDER BY id FOR NO KEY UPDATE`,
    [...new Set(claimIds)],
    [...new Set(ofStatements)],
  );
  return rows.map((row) => row.id);
}
