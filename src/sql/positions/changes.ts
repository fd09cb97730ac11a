import type { Prisma } from '../../generated/prisma/client.js';

type Client = Prisma.TransactionClient;

/**
 * Position changes: where the side an actor takes on a claim flips between two consecutive stances of its
 * (ASSERTS/SUPPORTS against DENIES/QUESTIONS). The rules are the claim status's (src/sql/write/status.ts):
 * a stance counts for the statement's onBehalfOf, else its speaker (and for nobody else);
 * DECLINES_TO_CONFIRM takes no side and is skipped; an actor's stances on a claim are in the order
 * of the statements' dates, undated ones before every dated one, ties (and undated ones) in record
 * order (`seq`).
 */
const SIDE = (position: string) => `CASE WHEN ${position} IN ('ASSERTS', 'SUPPORTS') THEN 1 WHEN ${position} IN ('DENIES', 'QUESTIONS') THEN -1 END`;

/** The stances that take a side, with whom they count for and when: rows `f` for CHANGES_OF. `where` filters `st` (Stance) and `s` (Statement). */
export const FACTS = (where: string) => `
  SELECT st.id AS stance_id, st."statementId" AS statement_id, st."claimId" AS claim_id,
         COALESCE(s."onBehalfOfId", s."speakerId") AS actor_id, st.position, s."saidOn" AS said_on, s.seq
  FROM "Stance" st JOIN "Statement" s ON s.id = st."statementId"
  WHERE st.position IN ('ASSERTS', 'SUPPORTS', 'DENIES', 'QUESTIONS') AND ${where}`;

/** `where` for FACTS (or any query naming the statement `statement`): the statements that count for actor `actor` (an SQL expression). */
export const HELD_BY = (actor: string, statement = 's') =>
  `(${statement}."onBehalfOfId" = ${actor} OR (${statement}."onBehalfOfId" IS NULL AND ${statement}."speakerId" = ${actor}))`;

/** Each stance whose side differs from the actor's previous stance on the claim, with that previous one. */
export const CHANGES_OF = (facts: string) => `
  SELECT c.actor_id, c.claim_id, c.from_stance_id, c.stance_id AS to_stance_id, c.from_statement_id, c.statement_id AS to_statement_id,
         c.from_position::text AS from_position, c.position::text AS to_position, c.said_on, c.seq
  FROM (
    SELECT f.*, lag(f.position) OVER w AS from_position, lag(f.stance_id) OVER w AS from_stance_id, lag(f.statement_id) OVER w AS from_statement_id
    FROM (${facts}) f
    WINDOW w AS (PARTITION BY f.actor_id, f.claim_id ORDER BY f.said_on ASC NULLS FIRST, f.seq ASC)
  ) c
  WHERE c.from_position IS NOT NULL AND ${SIDE('c.from_position')} <> ${SIDE('c.position')}`;

/** A change as the write path announces it (the shape of PositionChangedEvent), from CHANGES_OF rows. */
export const CHANGE_ROWS = (facts: string) => `
  SELECT ch.actor_id AS "actorId", a.slug AS "actorSlug", ch.claim_id AS "claimId", cl.slug AS "claimSlug",
         ch.from_position AS "from", ch.to_position AS "to",
         ch.from_statement_id AS "fromStatementId", ch.to_statement_id AS "toStatementId",
         ch.from_stance_id AS "fromStanceId", ch.to_stance_id AS "toStanceId",
         to_char(ch.said_on, 'YYYY-MM-DD') AS "at"
  FROM (${CHANGES_OF(facts)}) ch JOIN "Actor" a ON a.id = ch.actor_id JOIN "Claim" cl ON cl.id = ch.claim_id`;

export interface ChangeRow {
  actorId: string;
  actorSlug: string;
  claimId: string;
  claimSlug: string;
  from: string;
  to: string;
  fromStatementId: string;
  toStatementId: string;
  fromStanceId: string;
  toStanceId: string;
  /** The later statement's date, YYYY-MM-DD; null when undated. */
  at: string | null;
}

const BATCH = 20_000;

/**
 * Every position change on these claims, from the stances stored now (statements not retracted). The
 * caller holds the claims' locks (taken in an earlier statement), so what it reads cannot change under it:
 * read before and after a write, the two tell which changes the write made appear.
 */
export async function changesOnClaims(tx: Client, claimIds: Iterable<string>): Promise<ChangeRow[]> {
  const ids = [...new Set(claimIds)];
  const rows: ChangeRow[] = [];
  for (let start = 0; start < ids.length; start += BATCH) {
    rows.push(
      ...(await tx.$queryRawUnsafe<ChangeRow[]>(
        `WITH claim_ids AS (SELECT DISTINCT unnest($1::uuid[]) AS id)
         ${CHANGE_ROWS(FACTS(`st."claimId" IN (SELECT id FROM claim_ids) AND s."retractedAt" IS NULL`))}`,
        ids.slice(start, start + BATCH),
      )),
    );
  }
  return rows;
}
