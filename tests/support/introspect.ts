import type { SqlSession } from '../../src/db/migrate.js';

export interface ColumnShape {
  type: string;
  notNull: boolean;
  default: string | null;
  /** Identity or generated-column definition; Prisma never creates either. */
  generated: string | null;
}

export interface TableShape {
  columns: Record<string, ColumnShape>;
}

export interface IndexColumnShape {
  column: string;
  descending: boolean;
  nullsFirst: boolean;
  /** null means the default operator class of the column type for the access method. */
  opclass: string | null;
  /** Database side only: the name of the operator class actually in use. */
  actualOpclass?: string;
}

export interface IndexShape {
  table: string;
  primary: boolean;
  unique: boolean;
  /** Database side: whether a UNIQUE/EXCLUDE constraint (rather than a plain index) owns it; Prisma creates plain unique indexes. */
  constraint: boolean;
  method: string;
  columns: IndexColumnShape[];
  predicate: string | null;
}

export type ReferentialAction = 'CASCADE' | 'RESTRICT' | 'NO ACTION' | 'SET NULL' | 'SET DEFAULT';

export interface ForeignKeyShape {
  table: string;
  columns: string[];
  referencedTable: string;
  referencedColumns: string[];
  onDelete: ReferentialAction;
  onUpdate: ReferentialAction;
  deferrable: boolean;
}

export interface SequenceShape {
  type: string;
  start: string;
  increment: string;
  ownedBy: string | null;
}

export interface DatabaseShape {
  tables: Record<string, TableShape>;
  enums: Record<string, string[]>;
  /** Keyed by index name (unique within a schema). */
  indexes: Record<string, IndexShape>;
  /** Keyed by `table.constraint`. */
  foreignKeys: Record<string, ForeignKeyShape>;
  sequences: Record<string, SequenceShape>;
  /** Expected side: extensions that must be installed. Database side: installed extensions. */
  extensions: string[];
  /**
   * Database side: any other object in the schema (views, functions, triggers, checks, other types...).
   * Expected side: those a migration makes on purpose (SQL-only functions and triggers), each expected exactly.
   */
  otherObjects: string[];
}

type Row = Record<string, unknown>;

function text(row: Row, key: string): string {
  const value = row[key];
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  throw new Error(`introspection: expected text in ${key}, got ${JSON.stringify(value)}`);
}

function nullableText(row: Row, key: string): string | null {
  return row[key] === null || row[key] === undefined ? null : text(row, key);
}

function flag(row: Row, key: string): boolean {
  const value = row[key];
  if (typeof value === 'boolean') return value;
  throw new Error(`introspection: expected boolean in ${key}, got ${JSON.stringify(value)}`);
}

function textArray(row: Row, key: string): string[] {
  const raw = row[key];
  const value: unknown = typeof raw === 'string' ? JSON.parse(raw) : raw;
  if (Array.isArray(value) && value.every((v): v is string => typeof v === 'string')) return value;
  throw new Error(`introspection: expected a JSON array of text in ${key}, got ${JSON.stringify(raw)}`);
}

const ACTIONS: Record<string, ReferentialAction> = {
  a: 'NO ACTION',
  r: 'RESTRICT',
  c: 'CASCADE',
  n: 'SET NULL',
  d: 'SET DEFAULT',
};

function action(code: string): ReferentialAction {
  const found = ACTIONS[code];
  if (!found) throw new Error(`introspection: unknown referential action ${code}`);
  return found;
}

const CONSTRAINT_KINDS: Record<string, string> = { c: 'check constraint', x: 'exclusion constraint', t: 'constraint trigger' };
const ROUTINE_KINDS: Record<string, string> = { f: 'function', p: 'procedure', a: 'aggregate', w: 'window function' };

/** Objects that belong to an extension (pg_trgm's functions when the schema is public) are not the schema's own. */
const NOT_EXTENSION_MEMBER = (catalog: string, oid: string) =>
  `NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend dep WHERE dep.classid = '${catalog}'::regclass AND dep.objid = ${oid} AND dep.deptype = 'e')`;

/** Describes every object of one schema through pg_catalog, in the normalised shape the expectation uses. */
export async function introspectSchema(session: SqlSession, schema: string): Promise<DatabaseShape> {
  const shape: DatabaseShape = {
    tables: {},
    enums: {},
    indexes: {},
    foreignKeys: {},
    sequences: {},
    extensions: [],
    otherObjects: [],
  };

  // pg_get_expr qualifies names of schemas missing from the search_path; the shape never carries the schema.
  const quoted = await session.query<Row>('SELECT quote_ident($1) AS quoted', [schema]);
  const qualifier = `${text(quoted.rows[0] ?? {}, 'quoted')}.`;
  const unqualified = (expr: string | null) => (expr === null ? null : expr.replaceAll(qualifier, ''));

  const relations = await session.query<Row>(
    `SELECT c.relname, c.relkind::text AS relkind
       FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'c') AND ${NOT_EXTENSION_MEMBER('pg_class', 'c.oid')}
      ORDER BY c.relname`,
    [schema],
  );
  const kinds: Record<string, string> = { v: 'view', m: 'materialized view', f: 'foreign table', c: 'composite type' };
  for (const row of relations.rows) {
    const kind = text(row, 'relkind');
    const name = text(row, 'relname');
    if (kind === 'r' || kind === 'p') shape.tables[name] = { columns: {} };
    else shape.otherObjects.push(`${kinds[kind] ?? kind} "${name}"`);
  }

  const columns = await session.query<Row>(
    `SELECT c.relname AS table_name, a.attname AS column_name,
            CASE WHEN t.typtype = 'e' OR et.typtype = 'e'
                 THEN '"' || replace(coalesce(et.typname, t.typname), '"', '""') || '"' || CASE WHEN et.typtype = 'e' THEN '[]' ELSE '' END
                 ELSE pg_catalog.format_type(a.atttypid, a.atttypmod) END AS type,
            a.attnotnull AS not_null, pg_catalog.pg_get_expr(d.adbin, d.adrelid) AS default_expr,
            a.attidentity::text AS identity, a.attgenerated::text AS generated
       FROM pg_catalog.pg_attribute a
       JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
       JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
       LEFT JOIN pg_catalog.pg_type et ON et.oid = t.typelem AND t.typcategory = 'A'
       LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
      WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
      ORDER BY c.relname, a.attnum`,
    [schema],
  );
  for (const row of columns.rows) {
    const table = shape.tables[text(row, 'table_name')];
    if (!table) continue;
    const identity = nullableText(row, 'identity') ?? '';
    const generated = nullableText(row, 'generated') ?? '';
    table.columns[text(row, 'column_name')] = {
      // Enum types are always rendered quoted, whatever quote_ident would do, so both sides agree.
      type: text(row, 'type'),
      notNull: flag(row, 'not_null'),
      default: unqualified(nullableText(row, 'default_expr')),
      generated:
        identity === 'a'
          ? 'GENERATED ALWAYS AS IDENTITY'
          : identity === 'd'
            ? 'GENERATED BY DEFAULT AS IDENTITY'
            : generated !== ''
              ? `GENERATED ALWAYS AS (${unqualified(nullableText(row, 'default_expr')) ?? '?'}) ${generated === 's' ? 'STORED' : 'VIRTUAL'}`
              : null,
    };
  }

  const types = await session.query<Row>(
    `SELECT t.typname, t.typtype::text AS typtype,
            coalesce((SELECT json_agg(e.enumlabel ORDER BY e.enumsortorder) FROM pg_catalog.pg_enum e WHERE e.enumtypid = t.oid), '[]'::json)::text AS labels
       FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
      WHERE n.nspname = $1 AND t.typrelid = 0 AND NOT (t.typcategory = 'A' AND t.typelem <> 0)
        AND ${NOT_EXTENSION_MEMBER('pg_type', 't.oid')}
      ORDER BY t.typname`,
    [schema],
  );
  const typeKinds: Record<string, string> = { d: 'domain', r: 'range type', m: 'multirange type', b: 'base type', p: 'pseudo type' };
  for (const row of types.rows) {
    const kind = text(row, 'typtype');
    if (kind === 'e') shape.enums[text(row, 'typname')] = textArray(row, 'labels');
    else if (kind !== 'm') shape.otherObjects.push(`${typeKinds[kind] ?? kind} "${text(row, 'typname')}"`);
  }

  const indexes = await session.query<Row>(
    `SELECT ic.relname AS index_name, tc.relname AS table_name, i.indisprimary AS is_primary, i.indisunique AS is_unique,
            am.amname AS method, pg_catalog.pg_get_expr(i.indpred, i.indrelid) AS predicate,
            EXISTS (SELECT 1 FROM pg_catalog.pg_constraint con WHERE con.conindid = i.indexrelid AND con.contype IN ('u', 'x')) AS is_constraint,
            i.indnkeyatts AS key_count,
            (SELECT json_agg(json_build_object(
                      'column', CASE WHEN k.attnum = 0 THEN NULL ELSE a.attname END,
                      'descending', (i.indoption[k.ord - 1] & 1) = 1,
                      'nullsFirst', (i.indoption[k.ord - 1] & 2) = 2,
                      'opclass', opc.opcname,
                      'opclassDefault', opc.opcdefault) ORDER BY k.ord)
               FROM unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
               LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
               LEFT JOIN pg_catalog.pg_opclass opc ON opc.oid = i.indclass[k.ord - 1] AND k.ord <= i.indnkeyatts
            )::text AS columns
       FROM pg_catalog.pg_index i
       JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid
       JOIN pg_catalog.pg_class tc ON tc.oid = i.indrelid
       JOIN pg_catalog.pg_namespace n ON n.oid = tc.relnamespace
       JOIN pg_catalog.pg_am am ON am.oid = ic.relam
      WHERE n.nspname = $1
      ORDER BY ic.relname`,
    [schema],
  );
  for (const row of indexes.rows) {
    const name = text(row, 'index_name');
    const rawColumns: unknown = JSON.parse(text(row, 'columns'));
    if (!Array.isArray(rawColumns)) throw new Error(`introspection: index ${name} has no columns`);
    const keyCount = Number(text(row, 'key_count'));
    shape.indexes[name] = {
      table: text(row, 'table_name'),
      primary: flag(row, 'is_primary'),
      unique: flag(row, 'is_unique'),
      constraint: flag(row, 'is_constraint'),
      method: text(row, 'method'),
      predicate: unqualified(nullableText(row, 'predicate')),
      columns: rawColumns.map((raw: unknown, position: number): IndexColumnShape => {
        if (typeof raw !== 'object' || raw === null) throw new Error(`introspection: bad column in index ${name}`);
        const column = Reflect.get(raw, 'column');
        const opclass = Reflect.get(raw, 'opclass');
        const isDefault = Reflect.get(raw, 'opclassDefault') === true;
        const included = position >= keyCount;
        return {
          column: typeof column === 'string' ? (included ? `INCLUDE ${column}` : column) : '(expression)',
          descending: Reflect.get(raw, 'descending') === true,
          nullsFirst: Reflect.get(raw, 'nullsFirst') === true,
          opclass: typeof opclass === 'string' && !isDefault ? opclass : null,
          ...(typeof opclass === 'string' ? { actualOpclass: opclass } : {}),
        };
      }),
    };
  }

  const constraints = await session.query<Row>(
    `SELECT con.conname, con.contype::text AS contype, tc.relname AS table_name,
            rc.relname AS referenced_table, rn.nspname AS referenced_schema,
            con.confdeltype::text AS on_delete, con.confupdtype::text AS on_update, con.condeferrable AS deferrable,
            (SELECT json_agg(a.attname ORDER BY k.ord) FROM unnest(con.conkey) WITH ORDINALITY AS k(attnum, ord)
               JOIN pg_catalog.pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum)::text AS columns,
            (SELECT json_agg(a.attname ORDER BY k.ord) FROM unnest(con.confkey) WITH ORDINALITY AS k(attnum, ord)
               JOIN pg_catalog.pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum)::text AS referenced_columns
       FROM pg_catalog.pg_constraint con
       JOIN pg_catalog.pg_namespace n ON n.oid = con.connamespace
       LEFT JOIN pg_catalog.pg_class tc ON tc.oid = con.conrelid
       LEFT JOIN pg_catalog.pg_class rc ON rc.oid = con.confrelid
       LEFT JOIN pg_catalog.pg_namespace rn ON rn.oid = rc.relnamespace
      WHERE n.nspname = $1 AND con.contype NOT IN ('p', 'u', 'n')
      ORDER BY tc.relname, con.conname`,
    [schema],
  );
  for (const row of constraints.rows) {
    const name = text(row, 'conname');
    const table = nullableText(row, 'table_name');
    const kind = text(row, 'contype');
    if (kind !== 'f' || table === null) {
      const kindName = CONSTRAINT_KINDS[kind] ?? `constraint (${kind})`;
      shape.otherObjects.push(`${kindName} "${name}"${table ? ` on "${table}"` : ''}`);
      continue;
    }
    const referencedSchema = text(row, 'referenced_schema');
    const referencedTable = text(row, 'referenced_table');
    shape.foreignKeys[`${table}.${name}`] = {
      table,
      columns: textArray(row, 'columns'),
      referencedTable: referencedSchema === schema ? referencedTable : `${referencedSchema}.${referencedTable}`,
      referencedColumns: textArray(row, 'referenced_columns'),
      onDelete: action(text(row, 'on_delete')),
      onUpdate: action(text(row, 'on_update')),
      deferrable: flag(row, 'deferrable'),
    };
  }

  const sequences = await session.query<Row>(
    `SELECT c.relname, pg_catalog.format_type(s.seqtypid, NULL) AS type, s.seqstart::text AS start, s.seqincrement::text AS increment,
            (SELECT tc.relname || '.' || a.attname
               FROM pg_catalog.pg_depend d
               JOIN pg_catalog.pg_class tc ON tc.oid = d.refobjid
               JOIN pg_catalog.pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
              WHERE d.classid = 'pg_catalog.pg_class'::regclass AND d.objid = c.oid
                AND d.refclassid = 'pg_catalog.pg_class'::regclass AND d.deptype IN ('a', 'i')
              LIMIT 1) AS owned_by
       FROM pg_catalog.pg_class c
       JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_catalog.pg_sequence s ON s.seqrelid = c.oid
      WHERE n.nspname = $1 AND c.relkind = 'S'
      ORDER BY c.relname`,
    [schema],
  );
  for (const row of sequences.rows) {
    shape.sequences[text(row, 'relname')] = {
      type: text(row, 'type'),
      start: text(row, 'start'),
      increment: text(row, 'increment'),
      ownedBy: nullableText(row, 'owned_by'),
    };
  }

  const routines = await session.query<Row>(
    `SELECT p.proname, p.prokind::text AS prokind
       FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
      WHERE n.nspname = $1 AND ${NOT_EXTENSION_MEMBER('pg_proc', 'p.oid')}
      ORDER BY p.proname`,
    [schema],
  );
  for (const row of routines.rows) {
    const kind = ROUTINE_KINDS[text(row, 'prokind')] ?? 'routine';
    shape.otherObjects.push(`${kind} "${text(row, 'proname')}"`);
  }

  const triggers = await session.query<Row>(
    `SELECT tg.tgname, c.relname
       FROM pg_catalog.pg_trigger tg
       JOIN pg_catalog.pg_class c ON c.oid = tg.tgrelid
       JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND NOT tg.tgisinternal
      ORDER BY c.relname, tg.tgname`,
    [schema],
  );
  for (const row of triggers.rows) shape.otherObjects.push(`trigger "${text(row, 'tgname')}" on "${text(row, 'relname')}"`);

  const policies = await session.query<Row>(
    `SELECT pol.polname, c.relname
       FROM pg_catalog.pg_policy pol
       JOIN pg_catalog.pg_class c ON c.oid = pol.polrelid
       JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1`,
    [schema],
  );
  for (const row of policies.rows) shape.otherObjects.push(`policy "${text(row, 'polname')}" on "${text(row, 'relname')}"`);

  const extensions = await session.query<Row>('SELECT extname FROM pg_catalog.pg_extension ORDER BY extname');
  shape.extensions = extensions.rows.map((row) => text(row, 'extname'));

  return shape;
}

function describeIndex(index: IndexShape, opclassShown: (column: IndexColumnShape, position: number) => string | null): string {
  const columns = index.columns.map((column, position) => {
    const parts = [column.column.startsWith('INCLUDE ') || column.column === '(expression)' ? column.column : `"${column.column}"`];
    const opclass = opclassShown(column, position);
    if (opclass) parts.push(opclass);
    if (column.descending) parts.push('DESC');
    if (column.nullsFirst !== column.descending) parts.push(column.nullsFirst ? 'NULLS FIRST' : 'NULLS LAST');
    return parts.join(' ');
  });
  const kind = index.primary ? 'PRIMARY KEY' : index.unique ? (index.constraint ? 'UNIQUE CONSTRAINT' : 'UNIQUE INDEX') : index.constraint ? 'EXCLUSION CONSTRAINT' : 'INDEX';
  return `${kind} ON "${index.table}" USING ${index.method} (${columns.join(', ')})${index.predicate ? ` WHERE ${index.predicate}` : ''}`;
}

function describeForeignKey(fk: ForeignKeyShape): string {
  const list = (names: string[]) => names.map((n) => `"${n}"`).join(', ');
  return (
    `FOREIGN KEY (${list(fk.columns)}) REFERENCES "${fk.referencedTable}" (${list(fk.referencedColumns)}) ` +
    `ON DELETE ${fk.onDelete} ON UPDATE ${fk.onUpdate}${fk.deferrable ? ' DEFERRABLE' : ''}`
  );
}

function describeSequence(sequence: SequenceShape): string {
  return `SEQUENCE AS ${sequence.type} START ${sequence.start} INCREMENT ${sequence.increment} OWNED BY ${sequence.ownedBy ?? 'NONE'}`;
}

function describeColumn(column: ColumnShape): string {
  return [
    column.type,
    column.notNull ? 'NOT NULL' : 'NULL',
    column.generated ?? (column.default === null ? null : `DEFAULT ${column.default}`),
  ]
    .filter((part): part is string => part !== null)
    .join(' ');
}

export interface DiffOptions {
  /** Tables (and everything on them) that the comparison ignores, such as `_prisma_migrations`. */
  ignoreTables?: string[];
}

/** Every difference between what the schema declares and what the database holds, as readable lines. */
export function diffDatabase(expected: DatabaseShape, actual: DatabaseShape, options: DiffOptions = {}): string[] {
  const ignored = new Set(options.ignoreTables ?? []);
  const problems: string[] = [];
  const keys = (a: object, b: object) => [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();

  for (const name of keys(expected.tables, actual.tables)) {
    if (ignored.has(name)) continue;
    const want = expected.tables[name];
    const have = actual.tables[name];
    if (!have) {
      problems.push(`missing table "${name}"`);
      continue;
    }
    if (!want) {
      problems.push(`unexpected table "${name}" (columns: ${Object.keys(have.columns).join(', ')})`);
      continue;
    }
    for (const column of keys(want.columns, have.columns)) {
      const w = want.columns[column];
      const h = have.columns[column];
      if (!h && w) problems.push(`missing column "${name}"."${column}" ${describeColumn(w)}`);
      else if (!w && h) problems.push(`unexpected column "${name}"."${column}" ${describeColumn(h)}`);
      else if (w && h && describeColumn(w) !== describeColumn(h)) {
        problems.push(`column "${name}"."${column}": expected ${describeColumn(w)}, found ${describeColumn(h)}`);
      }
    }
  }

  for (const name of keys(expected.enums, actual.enums)) {
    const want = expected.enums[name];
    const have = actual.enums[name];
    if (!have) problems.push(`missing enum "${name}"`);
    else if (!want) problems.push(`unexpected enum "${name}" (${have.join(', ')})`);
    else if (want.join('\u0000') !== have.join('\u0000')) {
      problems.push(`enum "${name}": expected values (${want.join(', ')}), found (${have.join(', ')})`);
    }
  }

  for (const name of keys(expected.indexes, actual.indexes)) {
    const want = expected.indexes[name];
    const have = actual.indexes[name];
    if (have && ignored.has(have.table)) continue;
    if (!have && want) problems.push(`missing index "${name}" ${describeIndex(want, (c) => c.opclass)}`);
    else if (!want && have) problems.push(`unexpected index "${name}" ${describeIndex(have, (c) => c.opclass)}`);
    else if (want && have) {
      // An operator class the schema names explicitly matches even when it is the type's default one.
      const shown = (position: number) => want.columns[position]?.opclass ?? null;
      const wantText = describeIndex(want, (c) => c.opclass);
      const haveText = describeIndex(have, (c, position) =>
        shown(position) !== null && shown(position) === c.actualOpclass ? (c.actualOpclass ?? null) : c.opclass,
      );
      if (wantText !== haveText) problems.push(`index "${name}": expected ${wantText}, found ${haveText}`);
    }
  }

  for (const name of keys(expected.foreignKeys, actual.foreignKeys)) {
    const want = expected.foreignKeys[name];
    const have = actual.foreignKeys[name];
    if (have && ignored.has(have.table)) continue;
    if (!have && want) problems.push(`missing foreign key "${name}" ${describeForeignKey(want)}`);
    else if (!want && have) problems.push(`unexpected foreign key "${name}" ${describeForeignKey(have)}`);
    else if (want && have && describeForeignKey(want) !== describeForeignKey(have)) {
      problems.push(`foreign key "${name}": expected ${describeForeignKey(want)}, found ${describeForeignKey(have)}`);
    }
  }

  for (const name of keys(expected.sequences, actual.sequences)) {
    const want = expected.sequences[name];
    const have = actual.sequences[name];
    if (have?.ownedBy && ignored.has(have.ownedBy.split('.')[0] ?? '')) continue;
    if (!have && want) problems.push(`missing sequence "${name}" ${describeSequence(want)}`);
    else if (!want && have) problems.push(`unexpected sequence "${name}" ${describeSequence(have)}`);
    else if (want && have && describeSequence(want) !== describeSequence(have)) {
      problems.push(`sequence "${name}": expected ${describeSequence(want)}, found ${describeSequence(have)}`);
    }
  }

  for (const extension of expected.extensions) {
    if (!actual.extensions.includes(extension)) problems.push(`missing extension "${extension}"`);
  }
  const listed = new Set(expected.otherObjects);
  for (const other of actual.otherObjects) if (!listed.has(other)) problems.push(`unexpected ${other}`);
  for (const other of expected.otherObjects) if (!actual.otherObjects.includes(other)) problems.push(`missing ${other}`);

  return problems;
}
