/**
 * The physical limit: a bare node:http server that answers each shape with ONE hand-written SQL statement
 * through `pg` (LATERAL joins, json_build_object/json_agg, LIMIT n+1 per page) and writes PostgreSQL's JSON
 * text as the response body, byte for byte what our service answers. No GraphQL, no ORM.
 *
 *   POST /Q1 … /Q7 with the shape's variables as the JSON body.
 *
 * Env: DATABASE_URL, PORT, POOL_MAX (default 10).
 */
import { createServer, type IncomingMessage } from 'node:http';
import pg from 'pg';

const gid = (prefix: string, expr: string) => `encode(convert_to('${prefix}:' || ${expr}, 'UTF8'), 'base64')`;
const cursor = (expr: string) => gid('GPC:S', expr);
const rowId = (param: string) => `split_part(convert_from(decode(${param}, 'base64'), 'UTF8'), ':', 2)::uuid`;
const day = (expr: string) => `to_char(${expr}, 'YYYY-MM-DD')`;
const speaker = (alias: string) => `(SELECT json_build_object('slug', a.slug, 'name', a.name) FROM "Actor" a WHERE a.id = ${alias}."speakerId")`;
const NEWEST = (alias: string) => `${alias}."saidOn" DESC NULLS LAST, ${alias}.seq DESC`;
const OLDEST = (alias: string) => `${alias}."saidOn" ASC NULLS FIRST, ${alias}.seq ASC`;

export const SQL: Record<string, string> = {
  Q1: `SELECT json_build_object('data', json_build_object('node', (
    SELECT json_build_object('id', ${gid('Statement', 's.id')}, 'slug', s.slug, 'text', s.text, 'kind', s.kind, 'saidOn', ${day('s."saidOn"')}, 'speaker', ${speaker('s')})
    FROM "Statement" s WHERE s.id = ${rowId('$1')})))::text AS body`,

  Q2: `WITH p AS (
      SELECT s.id, s.slug, s.text, s."saidOn", s."speakerId", row_number() OVER (ORDER BY ${NEWEST('s')}) AS rn
      FROM (SELECT * FROM "Statement" s WHERE s.text ILIKE '%' || $1 || '%' AND s."retractedAt" IS NULL ORDER BY ${NEWEST('s')} LIMIT 21) s)
    SELECT json_build_object('data', json_build_object('statements', json_build_object(
      'edges', COALESCE((SELECT json_agg(json_build_object('cursor', ${cursor('p.id')}, 'node', json_build_object('id', ${gid('Statement', 'p.id')}, 'slug', p.slug, 'text', p.text, 'saidOn', ${day('p."saidOn"')}, 'speaker', ${speaker('p')})) ORDER BY p.rn) FROM p WHERE p.rn <= 20), '[]'),
      'pageInfo', json_build_object('hasNextPage', (SELECT count(*) FROM p) > 20, 'endCursor', (SELECT ${cursor('p.id')} FROM p WHERE p.rn <= 20 ORDER BY p.rn DESC LIMIT 1)))))::text AS body`,

  Q3: `SELECT json_build_object('data', json_build_object('actors', json_build_object('edges', COALESCE(json_agg(json_build_object('node', json_build_object(
      'slug', a.slug, 'name', a.name,
      'statements', json_build_object(
        'totalCount', (SELECT count(*) FROM "Statement" c WHERE c."speakerId" = a.id AND c."retractedAt" IS NULL),
        'edges', COALESCE(st.edges, '[]'))))
      ORDER BY a.name, a.id), '[]'))))::text AS body
    FROM (SELECT id, slug, name FROM "Actor" ORDER BY name, id LIMIT 20) a
    LEFT JOIN LATERAL (
      SELECT json_agg(json_build_object('node', json_build_object('slug', s.slug, 'saidOn', ${day('s."saidOn"')}, 'stances', COALESCE(k.stances, '[]'))) ORDER BY ${NEWEST('s')}) AS edges
      FROM (SELECT id, slug, "saidOn", seq FROM "Statement" s WHERE s."speakerId" = a.id AND s."retractedAt" IS NULL ORDER BY ${NEWEST('s')} LIMIT 10) s
      LEFT JOIN LATERAL (
        SELECT json_agg(json_build_object('position', t.position, 'claim', json_build_object('slug', c.slug, 'status', c.status)) ORDER BY t.id) AS stances
        FROM "Stance" t JOIN "Claim" c ON c.id = t."claimId" WHERE t."statementId" = s.id) k ON true
    ) st ON true`,

  Q4: `WITH s AS (SELECT * FROM "Statement" WHERE slug = $1),
    r AS (
      SELECT r.id, r.slug, r.text, r."responseKind", r."speakerId", row_number() OVER (ORDER BY ${OLDEST('r')}) AS rn
      FROM (SELECT r.* FROM "Statement" r, s WHERE r."respondsToId" = s.id AND r."retractedAt" IS NULL ORDER BY ${OLDEST('r')} LIMIT 21) r)
    SELECT json_build_object('data', json_build_object('statement', (SELECT json_build_object(
      'slug', s.slug, 'text', s.text,
      'thread', COALESCE((SELECT json_agg(json_build_object('slug', t.slug, 'text', t.text, 'speaker', ${speaker('t')}) ORDER BY u.ord)
                 FROM unnest(s."threadIds") WITH ORDINALITY u(id, ord) JOIN "Statement" t ON t.id = u.id), '[]'),
      'responses', json_build_object(
        'totalCount', (SELECT count(*) FROM "Statement" c WHERE c."respondsToId" = s.id AND c."retractedAt" IS NULL),
        'edges', COALESCE((SELECT json_agg(json_build_object('node', json_build_object('slug', r.slug, 'text', r.text, 'responseKind', r."responseKind", 'speaker', ${speaker('r')})) ORDER BY r.rn) FROM r WHERE r.rn <= 20), '[]'),
        'pageInfo', json_build_object('hasNextPage', (SELECT count(*) FROM r) > 20, 'endCursor', (SELECT ${cursor('r.id')} FROM r WHERE r.rn <= 20 ORDER BY r.rn DESC LIMIT 1))))
      FROM s)))::text AS body`,

  Q5: `WITH c AS (SELECT * FROM "Claim" WHERE slug = $1),
    p AS (
      SELECT t.id, t.position, s.slug, s.text, s."saidOn", s."speakerId", row_number() OVER (ORDER BY ${NEWEST('s')}) AS rn
      FROM (SELECT t.id, t.position, t."statementId" FROM "Stance" t, c WHERE t."claimId" = c.id AND t.position = 'DENIES') t
      JOIN LATERAL (SELECT * FROM "Statement" s WHERE s.id = t."statementId" AND s."retractedAt" IS NULL) s ON true
      ORDER BY ${NEWEST('s')} LIMIT 21)
    SELECT json_build_object('data', json_build_object('claim', (SELECT json_build_object(
      'slug', c.slug, 'status', c.status,
      'statements', json_build_object(
        'totalCount', (SELECT count(*) FROM "Stance" t JOIN "Statement" s ON s.id = t."statementId" WHERE t."claimId" = c.id AND t.position = 'DENIES' AND s."retractedAt" IS NULL),
        'edges', COALESCE((SELECT json_agg(json_build_object('position', p.position, 'node', json_build_object('slug', p.slug, 'text', p.text, 'saidOn', ${day('p."saidOn"')}, 'speaker', ${speaker('p')})) ORDER BY p.rn) FROM p WHERE p.rn <= 20), '[]'),
        'pageInfo', json_build_object('hasNextPage', (SELECT count(*) FROM p) > 20, 'endCursor', (SELECT ${cursor('p.id')} FROM p WHERE p.rn <= 20 ORDER BY p.rn DESC LIMIT 1))))
      FROM c)))::text AS body`,

  // The same writes as recordStatement: the statement (thread from its parent), its stance, the claim's
  // derived status (the new stance included: CTEs share one snapshot), and the audit entry.
  Q6: `WITH input AS (SELECT $1::jsonb AS j),
    speaker AS (SELECT a.id, a.slug FROM "Actor" a, input WHERE a.slug = input.j->>'speaker'),
    source AS (SELECT o.id FROM "Source" o, input WHERE o.slug = input.j->>'source'),
    parent AS (SELECT s.id, s."threadIds" FROM "Statement" s, input WHERE s.slug = input.j->'respondsTo'->>'statement'),
    claim AS (SELECT c.id, c.slug FROM "Claim" c, input WHERE c.slug = input.j->'stances'->0->>'claim'),
    ins AS (
      INSERT INTO "Statement" (id, slug, text, kind, "saidOn", "speakerId", "sourceId", "respondsToId", "responseKind", "threadIds", "updatedAt")
      SELECT gen_random_uuid(), j->>'slug', j->>'text', (j->>'kind')::"StatementKind", (j->>'saidOn')::date, speaker.id, source.id, parent.id,
             (j->'respondsTo'->>'kind')::"ResponseKind", parent."threadIds" || parent.id, now()
      FROM input, speaker, source, parent
      RETURNING *),
    stance AS (
      INSERT INTO "Stance" (id, "statementId", "claimId", position, "updatedAt")
      SELECT gen_random_uuid(), ins.id, claim.id, (input.j->'stances'->0->>'position')::"StancePosition", now() FROM ins, claim, input
      RETURNING *),
    facts AS (
      SELECT t.position::text AS position, COALESCE(s."onBehalfOfId", s."speakerId") AS actor, s."saidOn", s.seq
      FROM "Stance" t JOIN "Statement" s ON s.id = t."statementId", claim
      WHERE t."claimId" = claim.id AND s."retractedAt" IS NULL
      UNION ALL SELECT stance.position::text, ins."speakerId", ins."saidOn", ins.seq FROM stance, ins),
    sides AS (
      SELECT count(*) FILTER (WHERE position IN ('ASSERTS', 'SUPPORTS')) AS pro, count(*) FILTER (WHERE position IN ('DENIES', 'QUESTIONS')) AS con,
             count(DISTINCT actor) FILTER (WHERE position IN ('ASSERTS', 'SUPPORTS', 'DENIES', 'QUESTIONS')) AS actors,
             (array_agg(position ORDER BY "saidOn" ASC NULLS FIRST, seq ASC) FILTER (WHERE position IN ('ASSERTS', 'SUPPORTS', 'DENIES', 'QUESTIONS')))[count(*) FILTER (WHERE position IN ('ASSERTS', 'SUPPORTS', 'DENIES', 'QUESTIONS'))] AS latest
      FROM facts),
    status AS (
      UPDATE "Claim" SET status = (SELECT CASE WHEN pro = 0 AND con = 0 THEN 'UNRESOLVED' WHEN con = 0 THEN 'ASSERTED' WHEN pro = 0 THEN 'DENIED'
                                              WHEN actors > 1 THEN 'CONTESTED' WHEN latest IN ('ASSERTS', 'SUPPORTS') THEN 'ASSERTED' ELSE 'DENIED' END FROM sides)::"ClaimStatus",
             "updatedAt" = now()
      FROM claim WHERE "Claim".id = claim.id RETURNING "Claim".id),
    audit AS (
      INSERT INTO "AuditEntry" (id, writer, action, "targetType", "targetId", "targetSlug", after)
      SELECT gen_random_uuid(), 'bench', 'recordStatement', 'Statement', ins.id::text, ins.slug, input.j FROM ins, input RETURNING id)
    SELECT json_build_object('data', json_build_object('recordStatement', json_build_object('__typename', 'MutationRecordStatementSuccess', 'data', json_build_object(
      'slug', ins.slug, 'text', ins.text, 'responseKind', ins."responseKind", 'speaker', json_build_object('slug', speaker.slug),
      'stances', (SELECT json_agg(json_build_object('position', stance.position, 'claim', json_build_object('slug', claim.slug))) FROM stance, claim)))))::text AS body
    FROM ins, speaker, (SELECT count(*) FROM status) x, (SELECT count(*) FROM audit) y`,

  // A correlated subquery per representation (one primary-key probe each): as a join, the planner hashed
  // the 100 representations and read the whole Actor table.
  Q7: `SELECT json_build_object('data', json_build_object('_entities', json_agg(
      (SELECT json_build_object('slug', a.slug, 'name', a.name, 'kind', a.kind) FROM "Actor" a WHERE a.id = ${rowId(`(r.rep->>'id')`)}) ORDER BY r.ord)))::text AS body
    FROM json_array_elements($1::json) WITH ORDINALITY r(rep, ord)`,
};

const PARAMS: Record<string, (variables: Record<string, unknown>) => unknown[]> = {
  Q1: (v) => [v.id],
  Q2: (v) => [String(v.search ?? '').replace(/[\\%_]/g, (c) => `\\${c}`)],
  Q3: () => [],
  Q4: (v) => [v.slug],
  Q5: (v) => [v.slug],
  Q6: (v) => [JSON.stringify(v.input)],
  Q7: (v) => [JSON.stringify(v.representations)],
};

async function body(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.POOL_MAX ?? 10) });
  const server = createServer(async (request, response) => {
    const shape = (request.url ?? '').slice(1);
    const sql = SQL[shape];
    const params = PARAMS[shape];
    if (!sql || !params) {
      response.writeHead(404).end();
      return;
    }
    try {
      const text = await body(request);
      const variables = (text ? JSON.parse(text) : {}) as Record<string, unknown>;
      // A named statement: parsed and planned once per connection, as a hand-tuned service would.
      const result = await pool.query<{ body: string }>({ name: shape, text: sql, values: params(variables) });
      response.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end(result.rows[0]?.body ?? '{"data":null}');
    } catch (error) {
      response.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ errors: [{ message: (error as Error).message }] }));
    }
  });
  server.listen(Number(process.env.PORT ?? 4102), '127.0.0.1', () => process.stdout.write('ready\n'));
  process.once('SIGTERM', () => {
    server.close();
    void pool.end().then(() => process.exit(0));
  });
}
