import { Prisma, type Statement } from '../../generated/prisma/client.js';
import { CHANGE_ROWS, type ChangeRow, FACTS, HELD_BY } from '../positions/changes.js';
import { namedStatement } from '../statement-names.js';
import { DERIVED, IS_SIDE, STATUS_OF, STATUS_UPDATE_CTES, STORED_FACTS } from './status.js';

/**
 * The fast paths of recordStatement and setStance/removeStance: two statements each between BEGIN and
 * COMMIT, prepared once per connection on PostgreSQL (../statement-names.ts). The first resolves slugs and takes every lock (and, for recordStatement, inserts); the second
 * runs on a snapshot taken after those locks were granted, so the claim status it recomputes and the
 * before-image it audits include everything committed by the writers it waited for.
 */
type Tx = Prisma.TransactionClient;

export interface RecordStatementRow {
  id: string;
  slug: string;
  text: string;
  kind: string;
  saidOn: string | null;
  venue: string | null;
  speaker: string;
  onBehalfOf: string | null;
  source: string;
  respondsTo: { statement: string; kind: string } | null;
  stances: { id: string; claim: string; position: string }[];
  quote: { start: number; end: number } | null;
}

export interface AncestorRow {
  id: string;
  respondsToId: string | null;
  threadIds: string[];
}

export interface RecordedStatement {
  speaker: boolean;
  onBehalfOf: boolean;
  /** The source, with its text when a quote is to be checked against it. */
  source: { id: string; text: string | null } | null;
  parent: { id: string; respondsToId: string | null; threadIds: string[] } | null;
  ancestors: AncestorRow[];
  claims: { id: string; slug: string }[];
  /** False when every reference resolved but the slug was taken. */
  inserted: boolean;
}

/**
 * The statement row's columns by name, never `s.*`: a prepared statement's result columns are fixed when it
 * is prepared, and `*` grows with a column a later migration adds, which PostgreSQL then refuses ("cached
 * plan must not change result type") on every connection of an instance started before the migration.
 */
const STATEMENT_COLUMNS = Object.values(Prisma.StatementScalarFieldEnum)
  .map((name) => `s."${name}"`)
  .join(', ');

const RECORD = namedStatement('record_statement', `
WITH
speaker AS (SELECT id FROM "Actor" WHERE slug = $3 FOR KEY SHARE),
behalf AS (SELECT id FROM "Actor" WHERE slug = $4::text FOR KEY SHARE),
source AS (SELECT id, CASE WHEN $15::int IS NOT NULL THEN text END AS text FROM "Source" WHERE slug = $5 FOR SHARE),
parent AS (SELECT id, "respondsToId", "threadIds" FROM "Statement" WHERE slug = $6::text FOR SHARE),
ancestors AS (
  SELECT id, "respondsToId", "threadIds" FROM "Statement"
  WHERE id = ANY(COALESCE((SELECT "threadIds" FROM parent), '{}'::uuid[])) ORDER BY id FOR SHARE
),
claims AS (SELECT id, slug FROM "Claim" WHERE slug = ANY($12::text[]) ORDER BY id FOR NO KEY UPDATE),
inserted AS (
  INSERT INTO "Statement" (id, slug, text, kind, "saidOn", venue, "speakerId", "onBehalfOfId", "sourceId", "respondsToId", "responseKind", "threadIds", "quoteStart", "quoteEnd", "updatedAt")
  SELECT $1::uuid, $2, $8, $9::"StatementKind", $10::date, $11, sp.id, bh.id, so.id, pa.id, $7::"ResponseKind",
         CASE WHEN pa.id IS NULL THEN '{}'::uuid[] ELSE pa."threadIds" || pa.id END, $15::int, $16::int, now()
  FROM speaker sp CROSS JOIN source so LEFT JOIN behalf bh ON true LEFT JOIN parent pa ON true
  WHERE ($4::text IS NULL OR bh.id IS NOT NULL) AND ($6::text IS NULL OR pa.id IS NOT NULL)
    AND (SELECT count(*) FROM claims) = cardinality($12::text[])
  ON CONFLICT (slug) DO NOTHING
  RETURNING id
),
stances AS (
  INSERT INTO "Stance" (id, "statementId", "claimId", position, "updatedAt")
  SELECT x.id, i.id, c.id, x.position::"StancePosition", now()
  FROM inserted i
  CROSS JOIN unnest($12::text[], $13::text[], $14::uuid[]) WITH ORDINALITY AS x(slug, position, id, n)
  JOIN claims c ON c.slug = x.slug
  ORDER BY x.n
  RETURNING id
)
SELECT
  EXISTS (SELECT 1 FROM speaker) AS speaker,
  EXISTS (SELECT 1 FROM behalf) AS "onBehalfOf",
  (SELECT json_build_object('id', id, 'text', text) FROM source) AS source,
  (SELECT json_build_object('id', id, 'respondsToId', "respondsToId", 'threadIds', "threadIds") FROM parent) AS parent,
  (SELECT coalesce(json_agg(json_build_object('id', id, 'respondsToId', "respondsToId", 'threadIds', "threadIds")), '[]'::json) FROM ancestors) AS ancestors,
  (SELECT coalesce(json_agg(json_build_object('id', id, 'slug', slug)), '[]'::json) FROM claims) AS claims,
  EXISTS (SELECT 1 FROM inserted) AS inserted,
  (SELECT count(*) FROM stances) AS stances`);

/** Statement 1 of recordStatement: resolve, lock, and insert the statement with its stances if every reference resolved. */
export async function insertStatement(tx: Tx, row: RecordStatementRow): Promise<RecordedStatement> {
  const [result] = await tx.$queryRawUnsafe<(RecordedStatement & { stances: bigint })[]>(
    RECORD,
    row.id,
    row.slug,
    row.speaker,
    row.onBehalfOf,
    row.source,
    row.respondsTo?.statement ?? null,
    row.respondsTo?.kind ?? null,
    row.text,
    row.kind,
    row.saidOn,
    row.venue,
    row.stances.map((stance) => stance.claim),
    row.stances.map((stance) => stance.position),
    row.stances.map((stance) => stance.id),
    row.quote?.start ?? null,
    row.quote?.end ?? null,
  );
  if (!result) throw new Error('recordStatement: no answer from the insert');
  return result;
}

const AUDIT_AND_STATUS = namedStatement('record_statement_status', `
WITH claim_ids AS (SELECT DISTINCT "claimId" AS id FROM "Stance" WHERE "statementId" = $1::uuid),
derived AS (${DERIVED}),
${STATUS_UPDATE_CTES({ action: '$4::text', writer: '$3::text', statementId: '$1::uuid' })},
audit AS (
  INSERT INTO "AuditEntry" (id, writer, action, "targetType", "targetId", "targetSlug", before, after, related)
  VALUES ($2::uuid, $3, $4, $5, $6, $7, $8::jsonb, $9::jsonb, $10::uuid[])
  RETURNING seq
),
recorded AS (SELECT COALESCE("onBehalfOfId", "speakerId") AS actor_id FROM "Statement" WHERE id = $1::uuid),
changes AS (${CHANGE_ROWS(FACTS(`st."claimId" IN (SELECT id FROM claim_ids) AND s."retractedAt" IS NULL AND ${HELD_BY('(SELECT actor_id FROM recorded)')}`))})
SELECT ${STATEMENT_COLUMNS}, (SELECT count(*) FROM updated) AS "_statusesChanged", (SELECT seq FROM audit) AS "_auditSeq",
  (SELECT coalesce(json_agg(ch), '[]'::json) FROM changes ch WHERE ch."fromStatementId" = $1::uuid OR ch."toStatementId" = $1::uuid) AS "_positionChanges"
FROM "Statement" s WHERE s.id = $1::uuid`);

export interface AuditRow {
  id: string;
  writer: string;
  action: string;
  targetType: string;
  targetId: string | null;
  targetSlug: string | null;
  before: unknown;
  after: unknown;
  /** Other records whose history shows this entry. */
  related?: readonly string[];
}

const jsonOrNull = (value: unknown) => (value === undefined || value === null ? null : JSON.stringify(value));

/**
 * Statement 2 of recordStatement: the status of the claims its stances are on, recomputed with everything
 * committed before their locks (taken by statement 1), the audit entry, the statement as stored (read here, so the answer never depends on a later read),
 * and the position changes it made appear: a new statement is an end of every change it takes part in,
 * and no other change appears when one is added.
 */
export async function refreshStatusesAndAudit(tx: Tx, entry: AuditRow, statementId: string): Promise<{ statement: Statement; positionChanges: ChangeRow[] }> {
  const [row] = await tx.$queryRawUnsafe<(Statement & { _statusesChanged: bigint; _auditSeq: bigint; _positionChanges: ChangeRow[] })[]>(
    AUDIT_AND_STATUS,
    statementId,
    entry.id,
    entry.writer,
    entry.action,
    entry.targetType,
    entry.targetId,
    entry.targetSlug,
    jsonOrNull(entry.before),
    jsonOrNull(entry.after),
    [...new Set(entry.related ?? [])],
  );
  if (!row) throw new Error('recordStatement: the statement is not there after its insert');
  const { _statusesChanged, _auditSeq, _positionChanges, ...statement } = row;
  return { statement, positionChanges: _positionChanges };
}

const LOCK_STANCE = namedStatement('lock_stance', `
WITH statement AS (SELECT id, slug FROM "Statement" WHERE id = $1::uuid FOR SHARE),
claim AS (SELECT id FROM "Claim" WHERE slug = $2 FOR NO KEY UPDATE)
SELECT (SELECT slug FROM statement) AS statement, (SELECT id FROM claim) AS "claimId"`);

/**
 * Statement 1 of setStance/removeStance: the statement FOR SHARE (a change of its speaker, date or
 * retraction waits, and so a recomputation of the claim by that change sees this stance) and the claim.
 */
export async function lockStance(tx: Tx, statementId: string, claimSlug: string): Promise<{ statement: string | null; claimId: string | null }> {
  const [row] = await tx.$queryRawUnsafe<{ statement: string | null; claimId: string | null }[]>(LOCK_STANCE, statementId, claimSlug);
  return row ?? { statement: null, claimId: null };
}

/** $1 statement, $2 claim id, $3 new stance id, $4 position (null: remove), $5 audit id, $6 writer, $7 action, $8 claim slug, $9 reason */
const WRITE_STANCE = (remove: boolean) => `
WITH target AS (
  SELECT s.id, s.slug, COALESCE(s."onBehalfOfId", s."speakerId") AS actor_id, s."saidOn", s.seq, s."retractedAt", a.slug AS speaker
  FROM "Statement" s JOIN "Actor" a ON a.id = s."speakerId" WHERE s.id = $1::uuid
),
before AS (SELECT position FROM "Stance" WHERE "statementId" = $1::uuid AND "claimId" = $2::uuid),
written AS (${
  remove
    ? `DELETE FROM "Stance" WHERE "statementId" = $1::uuid AND "claimId" = $2::uuid RETURNING id`
    : `INSERT INTO "Stance" (id, "statementId", "claimId", position, "updatedAt") VALUES ($3::uuid, $1::uuid, $2::uuid, $4::text::"StancePosition", now())
       ON CONFLICT ("statementId", "claimId") DO UPDATE
       SET position = EXCLUDED.position,
           "updatedAt" = CASE WHEN "Stance".position = EXCLUDED.position THEN "Stance"."updatedAt" ELSE EXCLUDED."updatedAt" END
       RETURNING id`
}),
derived AS (
  SELECT $2::uuid AS id, ${STATUS_OF(`${STORED_FACTS('$2::uuid', '$1::uuid')}
    UNION ALL
    SELECT $4::text::"StancePosition", t.actor_id, t."saidOn", t.seq FROM target t
    WHERE $4::text IS NOT NULL AND t."retractedAt" IS NULL AND ${IS_SIDE('$4::text')}`)} AS status
),
${STATUS_UPDATE_CTES({ action: '$7::text', writer: '$6::text', statementId: '$1::uuid' })},
changes_before AS (${CHANGE_ROWS(FACTS(`st."claimId" = $2::uuid AND s."retractedAt" IS NULL AND ${HELD_BY('(SELECT actor_id FROM target)')}`))}),
changes_after AS (${CHANGE_ROWS(`${FACTS(`st."claimId" = $2::uuid AND s."retractedAt" IS NULL AND ${HELD_BY('(SELECT actor_id FROM target)')} AND st."statementId" <> $1::uuid`)}
    UNION ALL
    SELECT COALESCE((SELECT id FROM "Stance" WHERE "statementId" = $1::uuid AND "claimId" = $2::uuid), $3::uuid), t.id, $2::uuid, t.actor_id,
           $4::text::"StancePosition", t."saidOn", t.seq
    FROM target t WHERE $4::text IS NOT NULL AND t."retractedAt" IS NULL AND ${IS_SIDE('$4::text')}`)}),
audit AS (
  INSERT INTO "AuditEntry" (id, writer, action, "targetType", "targetId", "targetSlug", before, after, reason, related)
  SELECT $5::uuid, $6, $7, 'Stance', (SELECT id::text FROM written), t.slug || '/' || $8,
         (SELECT jsonb_build_object('claim', $8::text, 'position', position) FROM before),
         CASE WHEN $4::text IS NULL THEN NULL ELSE jsonb_build_object('claim', $8::text, 'position', $4::text) END,
         $9::text, ARRAY[$1::uuid, $2::uuid]
  FROM target t
  RETURNING seq
)
SELECT ${STATEMENT_COLUMNS},
  (SELECT position::text FROM before) AS "_before",
  (SELECT speaker FROM target) AS "_speaker",
  (SELECT coalesce(json_agg(x.slug ORDER BY x.id), '[]'::json) FROM (
    SELECT st.id, c.slug FROM "Stance" st JOIN "Claim" c ON c.id = st."claimId" WHERE st."statementId" = $1::uuid AND st."claimId" <> $2::uuid
    UNION ALL SELECT w.id, $8::text FROM written w WHERE $4::text IS NOT NULL
  ) x) AS "_claims",
  (SELECT seq FROM audit) AS "_auditSeq",
  $3::uuid AS "_proposedStanceId",
  (SELECT coalesce(json_agg(ch), '[]'::json) FROM changes_after ch
    WHERE NOT EXISTS (SELECT 1 FROM changes_before b WHERE b."fromStatementId" = ch."fromStatementId" AND b."toStatementId" = ch."toStatementId")) AS "_positionChanges"
FROM "Statement" s WHERE s.id = $1::uuid`;

const SET_STANCE = namedStatement('set_stance', WRITE_STANCE(false));
const REMOVE_STANCE = namedStatement('remove_stance', WRITE_STANCE(true));

export interface StanceWritten {
  /** The position before, or null if there was no stance. */
  before: string | null;
  speaker: string;
  /** Claims of the statement's stances afterwards, in creation order. */
  claims: string[];
  statement: Statement;
  /** The position changes the write made appear (the statement's actor, on this claim). */
  positionChanges: ChangeRow[];
}

/**
 * Statement 2 of setStance/removeStance: reads the stance as it is now (the locks are held), writes it,
 * recomputes the claim's status from the other stances plus this one, and audits: one statement.
 */
export async function writeStance(
  tx: Tx,
  input: { statementId: string; claimId: string; claimSlug: string; stanceId: string; position: string | null; auditId: string; writer: string; action: string; reason: string | null },
): Promise<StanceWritten> {
  const [row] = await tx.$queryRawUnsafe<
    (Statement & { _before: string | null; _speaker: string; _claims: string[]; _auditSeq: bigint; _proposedStanceId: string; _positionChanges: ChangeRow[] })[]
  >(
    input.position === null ? REMOVE_STANCE : SET_STANCE,
    input.statementId,
    input.claimId,
    input.stanceId,
    input.position,
    input.auditId,
    input.writer,
    input.action,
    input.claimSlug,
    input.reason,
  );
  if (!row) throw new Error('setStance: no answer from the write');
  const { _before, _speaker, _claims, _auditSeq, _proposedStanceId, _positionChanges, ...statement } = row;
  return { before: _before, speaker: _speaker, claims: _claims, statement, positionChanges: _positionChanges };
}
