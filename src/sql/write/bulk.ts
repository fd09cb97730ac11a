import type { Prisma } from '../../generated/prisma/client.js';

/**
 * Batched writes: many rows per statement, handed over as one JSON parameter and unpacked by
 * json_to_recordset, in the order given (so sequence columns such as Statement.seq follow it). Tables and
 * columns come from the whitelist below; values are only ever bound parameters.
 */
type Tx = Prisma.TransactionClient;

const COLUMNS = {
  Source: { id: 'uuid', slug: 'text', title: 'text', url: 'text', publisher: 'text', publishedOn: 'date', text: 'text', textSha256: 'text' },
  Actor: { id: 'uuid', slug: 'text', name: 'text', kind: '"ActorKind"', aliases: 'text[]', description: 'text', wikidataId: 'text', searchText: 'text' },
  Affiliation: { id: 'uuid', actorId: 'uuid', organizationId: 'uuid', role: 'text', from: 'date', until: 'date' },
  Claim: { id: 'uuid', slug: 'text', text: 'text', topics: 'text[]', topicSlugs: 'text[]', sourceId: 'uuid', status: '"ClaimStatus"' },
  Statement: {
    id: 'uuid',
    slug: 'text',
    text: 'text',
    kind: '"StatementKind"',
    saidOn: 'date',
    venue: 'text',
    speakerId: 'uuid',
    onBehalfOfId: 'uuid',
    sourceId: 'uuid',
    respondsToId: 'uuid',
    responseKind: '"ResponseKind"',
    threadIds: 'uuid[]',
    quoteStart: 'integer',
    quoteEnd: 'integer',
    retractedAt: 'timestamptz',
    retractedBy: 'text',
    retractionReason: 'text',
  },
  Stance: { id: 'uuid', statementId: 'uuid', claimId: 'uuid', position: '"StancePosition"' },
  AuditEntry: { id: 'uuid', writer: 'text', action: 'text', targetType: 'text', targetId: 'text', targetSlug: 'text', before: 'jsonb', after: 'jsonb', reason: 'text', related: 'uuid[]' },
} as const;

type Table = keyof typeof COLUMNS;
export type Row<T extends Table> = { [K in keyof (typeof COLUMNS)[T]]?: unknown };

/** Rows per statement, and characters of JSON per statement: large source texts make for small batches. */
const MAX_ROWS = 5_000;
const MAX_CHARS = 8_000_000;

const quoted = (name: string) => `"${name}"`;

function batches(rows: readonly object[]): string[] {
  const out: string[] = [];
  let parts: string[] = [];
  let size = 0;
  for (const row of rows) {
    const json = JSON.stringify(row);
    if (parts.length > 0 && (parts.length >= MAX_ROWS || size + json.length > MAX_CHARS)) {
      out.push(`[${parts.join(',')}]`);
      parts = [];
      size = 0;
    }
    parts.push(json);
    size += json.length + 1;
  }
  if (parts.length > 0) out.push(`[${parts.join(',')}]`);
  return out;
}

function recordset<T extends Table>(table: T, columns: readonly (keyof (typeof COLUMNS)[T] & string)[]): string {
  const types = COLUMNS[table] as Record<string, string>;
  for (const column of columns) if (!(column in types)) throw new Error(`no column ${table}.${column} in the write whitelist`);
  return `ROWS FROM (json_to_recordset($1::json) AS (${columns.map((column) => `${quoted(column)} ${types[column]}`).join(', ')})) WITH ORDINALITY AS r(${columns.map(quoted).join(', ')}, n)`;
}

export interface InsertOptions {
  /** Skip rows whose slug is taken (ON CONFLICT (slug) DO NOTHING); the slugs inserted are returned. */
  onSlugConflict?: 'skip';
  /** Whether the table has an updatedAt column to set. */
  timestamps?: boolean;
}

/** Inserts rows in the order given; returns the slugs (or ids) of the rows inserted. */
export async function insertRows<T extends Table>(tx: Tx, table: T, rows: readonly Row<T>[], options: InsertOptions = {}): Promise<string[]> {
  const first = rows[0];
  if (!first) return [];
  const columns = Object.keys(first) as (keyof (typeof COLUMNS)[T] & string)[];
  const timestamps = options.timestamps ?? table !== 'AuditEntry';
  const target = [...columns.map(quoted), ...(timestamps ? ['"updatedAt"'] : [])].join(', ');
  const values = [...columns.map((column) => `r.${quoted(column)}`), ...(timestamps ? ['now()'] : [])].join(', ');
  const returning = options.onSlugConflict ? 'slug' : 'id::text';
  const sql =
    `INSERT INTO ${quoted(table)} (${target}) SELECT ${values} FROM ${recordset(table, columns)} ORDER BY r.n` +
    `${options.onSlugConflict ? ' ON CONFLICT (slug) DO NOTHING' : ''} RETURNING ${returning} AS key`;
  const inserted: string[] = [];
  for (const batch of batches(rows)) {
    for (const row of await tx.$queryRawUnsafe<{ key: string }[]>(sql, batch)) inserted.push(row.key);
  }
  return inserted;
}

/** Updates rows by id: every column given (other than id) is set, and updatedAt with them. */
export async function updateRows<T extends Exclude<Table, 'AuditEntry'>>(tx: Tx, table: T, rows: readonly Row<T>[]): Promise<void> {
  const first = rows[0];
  if (!first) return;
  const columns = Object.keys(first) as (keyof (typeof COLUMNS)[T] & string)[];
  if (!columns.includes('id' as keyof (typeof COLUMNS)[T] & string)) throw new Error('updateRows needs the id of every row');
  const assignments = [...columns.filter((column) => column !== 'id').map((column) => `${quoted(column)} = r.${quoted(column)}`), '"updatedAt" = now()'].join(', ');
  const sql = `UPDATE ${quoted(table)} t SET ${assignments} FROM ${recordset(table, columns)} WHERE t.id = r.id`;
  for (const batch of batches(rows)) await tx.$executeRawUnsafe(sql, batch);
}

export async function deleteRows(tx: Tx, table: 'Affiliation' | 'Stance', ids: readonly string[]): Promise<void> {
  for (let start = 0; start < ids.length; start += MAX_ROWS) {
    await tx.$executeRawUnsafe(`DELETE FROM ${quoted(table)} WHERE id = ANY($1::uuid[])`, ids.slice(start, start + MAX_ROWS));
  }
}
