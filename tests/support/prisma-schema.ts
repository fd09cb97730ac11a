import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { get_dmmf } from '@prisma/prisma-schema-wasm';
import type {
  ColumnShape,
  DatabaseShape,
  ForeignKeyShape,
  IndexColumnShape,
  IndexShape,
  ReferentialAction,
  SequenceShape,
} from './introspect.js';

export const SCHEMA_PATH = fileURLToPath(new URL('../../prisma/schema.prisma', import.meta.url));

export function readPrismaSchema(): string {
  return readFileSync(SCHEMA_PATH, 'utf8');
}

export interface DmmfEnum {
  name: string;
  dbName: string | null;
  values: { name: string; dbName: string | null }[];
}

export interface DmmfField {
  name: string;
  dbName: string | null;
  kind: string;
  type: string;
  isList: boolean;
  isRequired: boolean;
  nativeType: { name: string; args: string[] } | null;
  /** undefined when the field has no @default. */
  default: unknown;
  relationName: string | null;
  relationFromFields: string[];
  relationToFields: string[];
  relationOnDelete: string | null;
  relationOnUpdate: string | null;
}

export interface DmmfModel {
  name: string;
  dbName: string | null;
  schema: string | null;
  fields: DmmfField[];
}

export interface DmmfIndex {
  model: string;
  type: string;
  dbName: string | null;
  algorithm: string | null;
  fields: { name: string; sortOrder: string | null; operatorClass: string | null; length: number | null }[];
}

export interface Datamodel {
  enums: DmmfEnum[];
  models: DmmfModel[];
  indexes: DmmfIndex[];
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function objects(value: unknown, what: string): Json[] {
  if (!Array.isArray(value) || !value.every(isObject)) throw new Error(`DMMF: ${what} is not a list of objects`);
  return value;
}

function str(json: Json, key: string): string {
  const value = json[key];
  if (typeof value !== 'string') throw new Error(`DMMF: ${key} is not a string in ${JSON.stringify(json)}`);
  return value;
}

function optStr(json: Json, key: string): string | null {
  const value = json[key];
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw new Error(`DMMF: ${key} is not a string in ${JSON.stringify(json)}`);
  return value;
}

function bool(json: Json, key: string): boolean {
  const value = json[key];
  if (typeof value !== 'boolean') throw new Error(`DMMF: ${key} is not a boolean in ${JSON.stringify(json)}`);
  return value;
}

function strings(json: Json, key: string): string[] {
  const value = json[key] ?? [];
  if (!Array.isArray(value) || !value.every((v): v is string => typeof v === 'string')) {
    throw new Error(`DMMF: ${key} is not a list of strings in ${JSON.stringify(json)}`);
  }
  return value;
}

/** Parses schema text with Prisma's own schema parser (the engines' prisma-schema-wasm) and returns its DMMF datamodel. */
export function parsePrismaSchema(schemaText: string): Datamodel {
  const raw: unknown = JSON.parse(get_dmmf(JSON.stringify({ prismaSchema: [['schema.prisma', schemaText]] })));
  if (!isObject(raw) || !isObject(raw.datamodel)) throw new Error('DMMF: no datamodel');
  const dm = raw.datamodel;
  return {
    enums: objects(dm.enums, 'enums').map((e) => ({
      name: str(e, 'name'),
      dbName: optStr(e, 'dbName'),
      values: objects(e.values, 'enum values').map((v) => ({ name: str(v, 'name'), dbName: optStr(v, 'dbName') })),
    })),
    models: objects(dm.models, 'models').map((m) => ({
      name: str(m, 'name'),
      dbName: optStr(m, 'dbName'),
      schema: optStr(m, 'schema'),
      fields: objects(m.fields, 'fields').map((f): DmmfField => {
        const native = f.nativeType;
        let nativeType: DmmfField['nativeType'] = null;
        if (Array.isArray(native)) {
          const [name, args] = native;
          if (typeof name !== 'string' || !Array.isArray(args)) throw new Error(`DMMF: bad nativeType ${JSON.stringify(native)}`);
          nativeType = { name, args: args.map((a: unknown) => String(a)) };
        }
        return {
          name: str(f, 'name'),
          dbName: optStr(f, 'dbName'),
          kind: str(f, 'kind'),
          type: str(f, 'type'),
          isList: bool(f, 'isList'),
          isRequired: bool(f, 'isRequired'),
          nativeType,
          default: f.default,
          relationName: optStr(f, 'relationName'),
          relationFromFields: strings(f, 'relationFromFields'),
          relationToFields: strings(f, 'relationToFields'),
          relationOnDelete: optStr(f, 'relationOnDelete'),
          relationOnUpdate: optStr(f, 'relationOnUpdate'),
        };
      }),
    })),
    indexes: objects(dm.indexes, 'indexes').map((i) => ({
      model: str(i, 'model'),
      type: str(i, 'type'),
      dbName: optStr(i, 'dbName'),
      algorithm: optStr(i, 'algorithm'),
      fields: objects(i.fields, 'index fields').map((f) => ({
        name: str(f, 'name'),
        sortOrder: optStr(f, 'sortOrder'),
        operatorClass: optStr(f, 'operatorClass'),
        length: typeof f.length === 'number' ? f.length : null,
      })),
    })),
  };
}

/** The datasource `extensions = [...]` list; DMMF does not carry it, and Prisma's parser has already validated the text. */
export function declaredExtensions(schemaText: string): string[] {
  const datasource = /^\s*datasource\s+\w+\s*\{([\s\S]*?)^\s*\}/m.exec(schemaText)?.[1] ?? '';
  const list = /^\s*extensions\s*=\s*\[([\s\S]*?)\]\s*$/m.exec(datasource)?.[1];
  if (list === undefined) return [];
  return [...list.replace(/\([^)]*\)/g, '').matchAll(/(?:^|,)\s*([A-Za-z_][\w]*)/g)].map((m) => m[1] ?? '').filter((name) => name !== '');
}

class UnsupportedSchemaFeature extends Error {
  constructor(what: string) {
    super(`tests/support/prisma-schema.ts cannot derive the expected database for ${what}; extend it.`);
  }
}

/** Postgres' identifier limit, which Prisma's constraint naming (psl ConstraintNames) truncates to. */
const MAX_IDENTIFIER_LENGTH = 63;

function constraintName(table: string, columns: string[], suffix: string): string {
  const joined = columns.length > 0 ? `${table}_${columns.join('_')}` : table;
  const limit = MAX_IDENTIFIER_LENGTH - suffix.length;
  const bytes = Buffer.from(joined, 'utf8');
  return (bytes.length >= limit ? bytes.subarray(0, limit).toString('utf8') : joined) + suffix;
}

function quoteIdentIfNeeded(name: string): string {
  return /^[a-z_][a-z0-9_$]*$/.test(name) ? name : `"${name.replaceAll('"', '""')}"`;
}

function quoteLiteral(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

const ACTIONS: Record<string, ReferentialAction> = {
  Cascade: 'CASCADE',
  Restrict: 'RESTRICT',
  NoAction: 'NO ACTION',
  SetNull: 'SET NULL',
  SetDefault: 'SET DEFAULT',
};

function referentialAction(name: string): ReferentialAction {
  const found = ACTIONS[name];
  if (!found) throw new UnsupportedSchemaFeature(`referential action ${name}`);
  return found;
}

/** Prisma's named operator classes (e.g. JsonbPathOps) are the snake_case Postgres names; raw("...") ones come verbatim. */
function operatorClass(name: string | null): string | null {
  if (name === null) return null;
  if (!/^[A-Z]/.test(name)) return name;
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .replaceAll('min_max', 'minmax')
    .replaceAll('timestamp_tz', 'timestamptz')
    .replaceAll('time_tz', 'timetz')
    .replaceAll('var_bit', 'varbit');
}

interface ColumnContext {
  table: string;
  column: string;
  field: DmmfField;
  enums: Map<string, DmmfEnum>;
}

/** The type as `format_type` prints it (enums quoted), for Prisma's default and native type mappings on PostgreSQL. */
function columnBaseType({ field, enums, table, column }: ColumnContext): string {
  if (field.kind === 'enum') {
    const enumDef = enums.get(field.type);
    if (!enumDef) throw new UnsupportedSchemaFeature(`enum ${field.type}`);
    return `"${enumDef.dbName ?? enumDef.name}"`;
  }
  const native = field.nativeType?.name ?? null;
  const args = field.nativeType?.args ?? [];
  const withArgs = (base: string) => (args.length > 0 ? `${base}(${args.join(',')})` : base);
  const precision = (base: string, zone: string) =>
    args.length > 0 ? `${base}(${args[0]}) ${zone}` : `${base} ${zone}`;
  const byType: Record<string, Record<string, () => string>> = {
    String: {
      default: () => 'text',
      Text: () => 'text',
      VarChar: () => withArgs('character varying'),
      Char: () => (args.length > 0 ? withArgs('character') : 'character(1)'),
      Uuid: () => 'uuid',
      Xml: () => 'xml',
      Inet: () => 'inet',
      Citext: () => 'citext',
      Bit: () => (args.length > 0 ? withArgs('bit') : 'bit(1)'),
      VarBit: () => withArgs('bit varying'),
    },
    Boolean: { default: () => 'boolean', Boolean: () => 'boolean' },
    Int: { default: () => 'integer', Integer: () => 'integer', SmallInt: () => 'smallint', Oid: () => 'oid' },
    BigInt: { default: () => 'bigint', BigInt: () => 'bigint' },
    Float: { default: () => 'double precision', DoublePrecision: () => 'double precision', Real: () => 'real' },
    Decimal: { default: () => 'numeric(65,30)', Decimal: () => withArgs('numeric'), Money: () => 'money' },
    DateTime: {
      default: () => 'timestamp(3) without time zone',
      Timestamp: () => precision('timestamp', 'without time zone'),
      Timestamptz: () => precision('timestamp', 'with time zone'),
      Date: () => 'date',
      Time: () => precision('time', 'without time zone'),
      Timetz: () => precision('time', 'with time zone'),
    },
    Json: { default: () => 'jsonb', JsonB: () => 'jsonb', Json: () => 'json' },
    Bytes: { default: () => 'bytea', ByteA: () => 'bytea' },
  };
  const render = byType[field.type]?.[native ?? 'default'];
  if (!render) throw new UnsupportedSchemaFeature(`"${table}"."${column}" of type ${field.type} ${native ?? ''}`);
  return render();
}

/** A literal the way pg_get_expr prints it for a column of the given type. */
function literal(value: unknown, ctx: ColumnContext, baseType: string): string {
  const { field, enums } = ctx;
  if (field.kind === 'enum' && typeof value === 'string') {
    const enumDef = enums.get(field.type);
    const mapped = enumDef?.values.find((v) => v.name === value);
    return `${quoteLiteral(mapped?.dbName ?? value)}::${baseType}`;
  }
  if (typeof value === 'boolean') return String(value);
  if (field.type === 'String' && typeof value === 'string') {
    const cast = baseType.startsWith('character varying') ? 'character varying' : baseType.startsWith('character(') ? 'bpchar' : baseType;
    return `${quoteLiteral(value)}::${cast}`;
  }
  if (field.type === 'Json' && typeof value === 'string') return `${quoteLiteral(value)}::${baseType}`;
  if ((field.type === 'Int' || field.type === 'BigInt') && (typeof value === 'number' || typeof value === 'string')) {
    const n = BigInt(value);
    if (n >= 0n) return n.toString();
    return `${quoteLiteral(n.toString())}::${n >= -2147483648n ? 'integer' : 'bigint'}`;
  }
  if ((field.type === 'Float' || field.type === 'Decimal') && typeof value === 'number') {
    return value >= 0 ? String(value) : `${quoteLiteral(String(value))}::numeric`;
  }
  throw new UnsupportedSchemaFeature(`the default ${JSON.stringify(value)} of "${ctx.table}"."${ctx.column}"`);
}

const CLIENT_SIDE_DEFAULTS = new Set(['uuid', 'cuid', 'nanoid', 'ulid']);

function columnDefault(
  ctx: ColumnContext,
  baseType: string,
  sequences: Record<string, SequenceShape>,
): string | null {
  const value = ctx.field.default;
  if (value === undefined) return null;
  if (isObject(value)) {
    const name = str(value, 'name');
    const args = Array.isArray(value.args) ? value.args : [];
    if (name === 'now') return 'CURRENT_TIMESTAMP';
    if (CLIENT_SIDE_DEFAULTS.has(name)) return null;
    if (name === 'dbgenerated' && typeof args[0] === 'string') return args[0];
    if (name === 'autoincrement') {
      const sequence = `${ctx.table}_${ctx.column}_seq`;
      if (sequence.length > MAX_IDENTIFIER_LENGTH) throw new UnsupportedSchemaFeature(`the long serial name ${sequence}`);
      sequences[sequence] = { type: baseType, start: '1', increment: '1', ownedBy: `${ctx.table}.${ctx.column}` };
      return `nextval(${quoteLiteral(quoteIdentIfNeeded(sequence))}::regclass)`;
    }
    throw new UnsupportedSchemaFeature(`@default(${name}()) on "${ctx.table}"."${ctx.column}"`);
  }
  if (Array.isArray(value)) {
    if (value.length === 0) return `ARRAY[]::${baseType}[]`;
    return `ARRAY[${value.map((v: unknown) => literal(v, ctx, baseType)).join(', ')}]`;
  }
  return literal(value, ctx, baseType);
}

/** What `prisma migrate` would create on PostgreSQL for this schema, in the shape `introspectSchema` reports. */
export function expectedDatabase(schemaText: string): DatabaseShape {
  const dm = parsePrismaSchema(schemaText);
  const enums = new Map(dm.enums.map((e) => [e.name, e]));
  const models = new Map(dm.models.map((m) => [m.name, m]));
  const tableOf = (model: DmmfModel) => model.dbName ?? model.name;
  const columnOf = (model: DmmfModel, fieldName: string) => {
    const field = model.fields.find((f) => f.name === fieldName);
    if (!field) throw new Error(`DMMF: ${model.name}.${fieldName} not found`);
    return field.dbName ?? field.name;
  };

  const shape: DatabaseShape = {
    tables: {},
    enums: Object.fromEntries(dm.enums.map((e) => [e.dbName ?? e.name, e.values.map((v) => v.dbName ?? v.name)])),
    indexes: {},
    foreignKeys: {},
    sequences: {},
    extensions: declaredExtensions(schemaText),
    otherObjects: [],
  };

  for (const model of dm.models) {
    if (model.schema !== null) throw new UnsupportedSchemaFeature(`multiSchema (@@schema on ${model.name})`);
    const table = tableOf(model);
    const columns: Record<string, ColumnShape> = {};
    for (const field of model.fields) {
      if (field.kind === 'object') continue;
      if (field.kind !== 'scalar' && field.kind !== 'enum') throw new UnsupportedSchemaFeature(`${field.kind} field ${model.name}.${field.name}`);
      const column = field.dbName ?? field.name;
      const ctx: ColumnContext = { table, column, field, enums };
      const baseType = columnBaseType(ctx);
      columns[column] = {
        type: field.isList ? `${baseType}[]` : baseType,
        // Prisma creates scalar lists as nullable columns.
        notNull: field.isRequired && !field.isList,
        default: columnDefault(ctx, baseType, shape.sequences),
        generated: null,
      };
    }
    shape.tables[table] = { columns };

    for (const field of model.fields) {
      if (field.kind !== 'object') continue;
      const target = models.get(field.type);
      if (!target) throw new Error(`DMMF: relation target ${field.type} not found`);
      if (field.relationFromFields.length === 0) {
        const back = target.fields.find(
          (f) => f.kind === 'object' && f.relationName === field.relationName && f.type === model.name && f !== field,
        );
        if (field.isList && back?.isList) throw new UnsupportedSchemaFeature(`the implicit many-to-many relation ${field.relationName ?? ''}`);
        continue;
      }
      const fkColumns = field.relationFromFields.map((f) => columnOf(model, f));
      const fk: ForeignKeyShape = {
        table,
        columns: fkColumns,
        referencedTable: tableOf(target),
        referencedColumns: field.relationToFields.map((f) => columnOf(target, f)),
        // Prisma's defaults: Restrict for a required relation, SetNull for an optional one, Cascade on update.
        onDelete: referentialAction(field.relationOnDelete ?? (field.isRequired ? 'Restrict' : 'SetNull')),
        onUpdate: referentialAction(field.relationOnUpdate ?? 'Cascade'),
        deferrable: false,
      };
      shape.foreignKeys[`${table}.${constraintName(table, fkColumns, '_fkey')}`] = fk;
    }
  }

  for (const index of dm.indexes) {
    const model = models.get(index.model);
    if (!model) throw new Error(`DMMF: index on unknown model ${index.model}`);
    const table = tableOf(model);
    const columns = index.fields.map((f): IndexColumnShape => {
      if (f.length !== null) throw new UnsupportedSchemaFeature(`index length on ${model.name}.${f.name}`);
      const descending = f.sortOrder === 'desc';
      return { column: columnOf(model, f.name), descending, nullsFirst: descending, opclass: operatorClass(f.operatorClass) };
    });
    const names = columns.map((c) => c.column);
    const kinds: Record<string, { primary: boolean; unique: boolean; name: () => string }> = {
      id: { primary: true, unique: true, name: () => constraintName(table, [], '_pkey') },
      unique: { primary: false, unique: true, name: () => constraintName(table, names, '_key') },
      normal: { primary: false, unique: false, name: () => constraintName(table, names, '_idx') },
    };
    const kind = kinds[index.type];
    if (!kind) throw new UnsupportedSchemaFeature(`${index.type} index on ${model.name}`);
    const shapeOfIndex: IndexShape = {
      table,
      primary: kind.primary,
      unique: kind.unique,
      constraint: false,
      method: (index.algorithm ?? 'BTree').toLowerCase(),
      columns,
      predicate: null,
    };
    shape.indexes[index.dbName ?? kind.name()] = shapeOfIndex;
  }

  return shape;
}
