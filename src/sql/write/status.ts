import type { Prisma } from '../../generated/prisma/client.js';

type Tx = Prisma.TransactionClient;

/**
 * The claim-status rule of src/domain/claim-status.ts (`deriveClaimStatus`), in SQL: an aggregate over the
 * rows `f(position, actor_id, said_on, seq)` of one claim's stances that count. The claim-status tests hold
 * the two to the same answers.
 */
export const STATUS_OF = (facts: string) => `(
  SELECT CASE
      WHEN count(*) = 0 THEN 'UNRESOLVED'
      WHEN count(*) FILTER (WHERE f.position IN ('DENIES', 'QUESTIONS')) = 0 THEN 'ASSERTED'
      WHEN count(*) FILTER (WHERE f.position IN ('ASSERTS', 'SUPPORTS')) = 0 THEN 'DENIED'
      WHEN count(DISTINCT f.actor_id) > 1 THEN 'CONTESTED'
      WHEN (array_agg(f.position ORDER BY f.said_on DESC NULLS LAST, f.seq DESC))[1] IN ('ASSERTS', 'SUPPORTS') THEN 'ASSERTED'
      ELSE 'DENIED'
    END::"ClaimStatus"
  FROM (${facts}) f)`;

const SIDES = `('ASSERTS', 'SUPPORTS', 'DENIES', 'QUESTIONS')`;

/** The stances that count toward the status of claim `claim`: on statements not retracted, taking a side. */
export const STORED_FACTS = (claim: string, except = 'NULL::uuid') => `
  SELECT st.position, COALESCE(s."onBehalfOfId", s."speakerId") AS actor_id, s."saidOn" AS said_on, s.seq
  FROM "Stance" st JOIN "Statement" s ON s.id = st."statementId"
  WHERE st."claimId" = ${claim} AND st.position IN ${SIDES} AND s."retractedAt" IS NULL AND st."statementId" IS DISTINCT FROM ${except}`;

export const IS_SIDE = (position: string) => `${position} IN ${SIDES}`;

/**
 * `derived(id, status)` for the claims in `claim_ids`: one correlated subquery per claim, so each is an
 * index lookup on Stance(claimId, position) however few rows the planner expects (tables filled by the
 * same transaction have no statistics yet).
 */
export const DERIVED = `SELECT c.id, ${STATUS_OF(STORED_FACTS('c.id'))} AS status FROM claim_ids c`;

/** What caused a status change, as SQL expressions (bound parameters): the mutation, the writer, the statement. */
export interface StatusCauseSql {
  action: string;
  writer: string;
  statementId: string;
}

/**
 * Stores the derived statuses that differ and logs each change in "ClaimStatusChange", in the same
 * statement: the self-join reads the status before the update from the statement's snapshot, which the
 * caller took after locking the claims, so under concurrent writers each change's `from` is the `to` of
 * the one before it.
 */
export const STATUS_UPDATE_CTES = (cause: StatusCauseSql) => `
updated AS (
  UPDATE "Claim" c SET status = d.status, "updatedAt" = now()
  FROM derived d JOIN "Claim" o ON o.id = d.id
  WHERE c.id = d.id AND c.status <> d.status
  RETURNING c.id, o.status AS "from", d.status AS "to"),
status_changes AS (
  INSERT INTO "ClaimStatusChange" ("claimId", "from", "to", action, writer, "statementId")
  SELECT u.id, u."from", u."to", ${cause.action}, ${cause.writer}, ${cause.statementId} FROM updated u ORDER BY u.id
  RETURNING 1)`;

/** What caused a status change: the mutation, the writer and, when one statement did, that statement. */
export interface StatusCause {
  action: string;
  writer: string;
  statementId?: string | null;
}

const REFRESH_BATCH = 20_000;

/**
 * Recomputes the stored status of these claims from their stances. The caller holds their locks (taken in
 * an earlier statement), so this statement's snapshot has every change made to their stances.
 */
export async function refreshClaimStatuses(tx: Tx, claimIds: Iterable<string>, cause: StatusCause): Promise<void> {
  const ids = [...new Set(claimIds)];
  const update = STATUS_UPDATE_CTES({ action: '$2::text', writer: '$3::text', statementId: '$4::uuid' });
  for (let start = 0; start < ids.length; start += REFRESH_BATCH) {
    await tx.$executeRawUnsafe(
      `WITH claim_ids AS (SELECT DISTINCT unnest($1::uuid[]) AS id), derived AS (${DERIVED}), ${update} SELECT count(*) FROM updated`,
      ids.slice(start, start + REFRESH_BATCH),
      cause.action,
      cause.writer,
      cause.statementId ?? null,
    );
  }
}

/** Claims created with a status other than UNRESOLVED (a bundle that brings their stances along): the change that gave it. */
export async function logCreatedStatuses(tx: Tx, created: readonly { id: string; status: string }[], cause: StatusCause): Promise<void> {
  const changed = created.filter((claim) => claim.status !== 'UNRESOLVED');
  if (changed.length === 0) return;
  await tx.$executeRawUnsafe(
    `INSERT INTO "ClaimStatusChange" ("claimId", "from", "to", action, writer, "statementId")
     SELECT x.id, 'UNRESOLVED', x.status::"ClaimStatus", $3, $4, NULL FROM unnest($1::uuid[], $2::text[]) WITH ORDINALITY AS x(id, status, n) ORDER BY x.n`,
    changed.map((claim) => claim.id),
    changed.map((claim) => claim.status),
    cause.action,
    cause.writer,
  );
}
