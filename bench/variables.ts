import pg from 'pg';
import { encodeGlobalId } from '../src/builder.js';
import { HOT } from './data.js';
import type { ShapeId } from './shapes.js';

export interface Targets {
  statementId: string;
  actorIds: string[];
}

export type Query = <Row>(sql: string, params: unknown[]) => Promise<Row[]>;

/** Ids the shapes need that only the database knows (the generator's UUIDs are random). */
export async function targetsFrom(query: Query): Promise<Targets> {
  const statement = await query<{ id: string }>('SELECT id::text AS id FROM "Statement" WHERE slug = $1', [HOT.threadStatement]);
  const actors = await query<{ id: string }>('SELECT id::text AS id FROM "Actor" ORDER BY slug DESC LIMIT 100', []);
  const statementId = statement[0]?.id;
  if (!statementId) throw new Error(`no statement ${HOT.threadStatement}: run npm run bench:data first`);
  return { statementId, actorIds: actors.map((row) => row.id) };
}

export async function loadTargets(url: string): Promise<Targets> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await targetsFrom(async <Row>(sql: string, params: unknown[]) => (await client.query(sql, params)).rows as Row[]);
  } finally {
    await client.end();
  }
}

/** The write shape's input; the load generator fills __UNIQUE__ (a fresh slug) and __PICK__ (a quiet claim) per request. */
export function recordInput(unique = '__UNIQUE__', claim = '__PICK__') {
  return {
    slug: `bench-${unique}`,
    speaker: HOT.writer.speaker,
    text: `Recorded by the benchmark, ${unique}.`,
    kind: 'PARAPHRASE',
    saidOn: '2014-06-02',
    source: HOT.writer.source,
    respondsTo: { statement: HOT.writer.respondsTo, kind: 'ANSWERS' },
    stances: [{ claim, position: 'DENIES' }],
  };
}

/** GraphQL variables for our service, per shape (Q6's slug is replaced per request). */
export function ourVariables(targets: Targets): Record<ShapeId, Record<string, unknown>> {
  return {
    Q1: { id: encodeGlobalId('Statement', targets.statementId) },
    Q2: { search: HOT.searchTerm },
    Q3: {},
    Q4: { slug: HOT.threadStatement },
    Q5: { slug: HOT.claim },
    Q6: { input: recordInput() },
    Q7: { representations: targets.actorIds.map((id) => ({ __typename: 'Actor', id: encodeGlobalId('Actor', id) })) },
  };
}
