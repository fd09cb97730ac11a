import type { PrismaClient } from '../../generated/prisma/client.js';
import { CHANGES_OF, FACTS, HELD_BY } from './changes.js';

/**
 * Reads of positions and position changes, one statement per page. Both lists run oldest first in the
 * order of the change rules (src/sql/positions/changes.ts): undated before dated, then by date, then by
 * record order, then by stance id. A page starts after (or before) its cursor's stance at that stance's
 * place in this order, also when the stance is no longer in the list; a cursor of a stance deleted since
 * gives an empty page.
 */

/** A stance in list order: its statement's date (undated first), record order, id. */
const KEY_COLUMNS = (said: string, seq: string, id: string) => `coalesce(${said}, '-infinity'::date), ${seq}, ${id}`;
const ORDER_KEY = (said: string, seq: string, id: string) => `(${KEY_COLUMNS(said, seq, id)})`;
const CURSOR_KEY = (cursor: string) =>
  `(SELECT ${KEY_COLUMNS('cs."saidOn"', 'cs.seq', 'c.id')} FROM "Stance" c JOIN "Statement" cs ON cs.id = c."statementId" WHERE c.id = ${cursor})`;

/** The part of a page query a connection's arguments decide: from where, which way, how many (one more than the page, to see if there is a next). */
export interface PageWindow {
  /** Stance id of the cursor row, or null for the first (or last) page. */
  cursor: string | null;
  /** How many rows; negative reads backwards from the cursor (or from the end), as Prisma's `take`. */
  take: number;
}

const direction = (take: number) => (take < 0 ? { compare: '<', order: 'DESC' } : { compare: '>', order: 'ASC' });

export interface PositionRow {
  /** The stance's id. */
  id: string;
  actorId: string;
  claimId: string;
  statementId: string;
  position: string;
  /** YYYY-MM-DD, or null when undated. */
  saidOn: string | null;
}

const POSITIONS = (take: number) => {
  const { compare, order } = direction(take);
  return `
  SELECT a.actor_id AS "actorId", p.id, p."claimId", p."statementId", p.position::text AS position, to_char(p."saidOn", 'YYYY-MM-DD') AS "saidOn"
  FROM unnest($1::uuid[]) AS a(actor_id)
  CROSS JOIN LATERAL (
    SELECT st.id, st."claimId", st."statementId", st.position, s."saidOn", s.seq
    FROM "Stance" st JOIN "Statement" s ON s.id = st."statementId"
    WHERE st."claimId" = $2::uuid AND ${HELD_BY('a.actor_id')} AND ($3::boolean OR s."retractedAt" IS NULL)
      AND ($4::uuid IS NULL OR ${ORDER_KEY('s."saidOn"', 's.seq', 'st.id')} ${compare} ${CURSOR_KEY('$4::uuid')})
    ORDER BY coalesce(s."saidOn", '-infinity'::date) ${order}, s.seq ${order}, st.id ${order}
    LIMIT $5::int
  ) p`;
};

const POSITION_COUNTS = `
  SELECT a.actor_id AS "actorId", (
    SELECT count(*) FROM "Stance" st JOIN "Statement" s ON s.id = st."statementId"
    WHERE st."claimId" = $2::uuid AND ${HELD_BY('a.actor_id')} AND ($3::boolean OR s."retractedAt" IS NULL)
  ) AS count
  FROM unnest($1::uuid[]) AS a(actor_id)`;

/**
 * One page of positions on a claim for each of several actors, in one statement (a LATERAL subquery per
 * actor with its own ORDER BY and LIMIT), and their totals in a second when asked for. Rows come back in
 * list order whichever way the page was read.
 */
export async function positionPages(
  prisma: PrismaClient,
  input: { actorIds: readonly string[]; claimId: string; includeRetracted: boolean; window: PageWindow; withCount: boolean },
): Promise<Map<string, { rows: PositionRow[]; count: number }>> {
  const { actorIds, claimId, includeRetracted, window, withCount } = input;
  const ids = [...new Set(actorIds)];
  const rows = await prisma.$queryRawUnsafe<PositionRow[]>(POSITIONS(window.take), ids, claimId, includeRetracted, window.cursor, Math.abs(window.take));
  const counts = withCount ? await prisma.$queryRawUnsafe<{ actorId: string; count: bigint }[]>(POSITION_COUNTS, ids, claimId, includeRetracted) : [];
  const pages = new Map(ids.map((id) => [id, { rows: [] as PositionRow[], count: 0 }]));
  for (const row of rows) pages.get(row.actorId)?.rows.push(row);
  for (const row of counts) {
    const page = pages.get(row.actorId);
    if (page) page.count = Number(row.count);
  }
  if (window.take < 0) for (const page of pages.values()) page.rows.reverse();
  return pages;
}

export interface PositionChangeRow {
  /** The later stance's id: a change is the stance where the side flipped. */
  id: string;
  actorId: string;
  claimId: string;
  from: string;
  to: string;
  fromStatementId: string;
  toStatementId: string;
  fromStanceId: string;
  /** The later statement's date, YYYY-MM-DD; null when undated. */
  at: string | null;
}

export interface ChangeFilter {
  /** At least one of actorId and claimId: the history to compute is an actor's or a claim's, never the whole table's. */
  actorId: string | null;
  claimId: string | null;
  includeRetracted: boolean;
  /** YYYY-MM-DD: only changes whose later statement was said on or after it (undated ones are left out). */
  since: string | null;
}

const LISTED_CHANGES = `
  WITH changes AS (${CHANGES_OF(
    FACTS(`($1::uuid IS NULL OR ${HELD_BY('$1::uuid')}) AND ($2::uuid IS NULL OR st."claimId" = $2::uuid) AND ($3::boolean OR s."retractedAt" IS NULL)`),
  )}),
  listed AS (SELECT * FROM changes WHERE $4::date IS NULL OR said_on >= $4::date)`;

const CHANGES_PAGE = (take: number) => {
  const { compare, order } = direction(take);
  return `${LISTED_CHANGES}
  SELECT l.to_stance_id AS id, l.actor_id AS "actorId", l.claim_id AS "claimId", l.from_position AS "from", l.to_position AS "to",
         l.from_statement_id AS "fromStatementId", l.to_statement_id AS "toStatementId", l.from_stance_id AS "fromStanceId",
         to_char(l.said_on, 'YYYY-MM-DD') AS "at"
  FROM listed l
  WHERE $5::uuid IS NULL OR ${ORDER_KEY('l.said_on', 'l.seq', 'l.to_stance_id')} ${compare} ${CURSOR_KEY('$5::uuid')}
  ORDER BY coalesce(l.said_on, '-infinity'::date) ${order}, l.seq ${order}, l.to_stance_id ${order}
  LIMIT $6::int`;
};

const CHANGES_COUNT = `${LISTED_CHANGES} SELECT count(*) AS count FROM listed`;

/** One page of position changes of an actor, on a claim, or both; and their total when asked for. */
export async function positionChangePage(
  prisma: PrismaClient,
  filter: ChangeFilter,
  window: PageWindow,
  withCount: boolean,
): Promise<{ rows: PositionChangeRow[]; count: number }> {
  if (!filter.actorId && !filter.claimId) throw new Error('positionChangePage: give an actor or a claim');
  const params = [filter.actorId, filter.claimId, filter.includeRetracted, filter.since] as const;
  const rows = await prisma.$queryRawUnsafe<PositionChangeRow[]>(CHANGES_PAGE(window.take), ...params, window.cursor, Math.abs(window.take));
  if (window.take < 0) rows.reverse();
  const [counted] = withCount ? await prisma.$queryRawUnsafe<{ count: bigint }[]>(CHANGES_COUNT, ...params) : [];
  return { rows, count: Number(counted?.count ?? 0) };
}
