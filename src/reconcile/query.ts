import { badRequest, RequestError } from './errors.js';
import { type EntityType, isEntityType, propertyById, TYPES } from './model.js';

export const LIMITS = {
  /** Queries in one batch; announced as the manifest's `batchSize`, and a larger batch gets 413. */
  batchSize: 50,
  queryCharacters: 1000,
  keyCharacters: 100,
  propertiesPerQuery: 10,
  valuesPerProperty: 20,
  defaultCandidates: 10,
  /** `limit` is an upper bound, so asking for more is answered with at most this many. */
  maxCandidates: 25,
  extendIds: 100,
  extendProperties: 10,
  prefixCharacters: 200,
} as const;

export type PropertyValue = string | number | boolean | { id: string; name?: string };

export interface ReconQuery {
  key: string;
  /** The text to match names against; empty when the query has properties only. */
  text: string;
  /** The types to search; both when the query names none. */
  types: EntityType[];
  limit: number;
  properties: { pid: string; values: PropertyValue[] }[];
}

const QUERY_FIELDS = new Set(['query', 'type', 'limit', 'properties', 'type_strict']);
const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

export function checkText(value: string, path: string, max: number): string {
  if (value.includes('\u0000')) throw badRequest('text must not contain U+0000', path);
  if (value.length > max) throw badRequest(`text is longer than ${max} characters`, path);
  return value;
}

export function parseJsonParameter(raw: string, name: string): unknown {
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    throw badRequest(`"${name}" is not valid JSON`, `/${name}`);
  }
}

export function parseTypes(value: unknown, path: string): EntityType[] {
  if (value === undefined || value === null) return [];
  const list = Array.isArray(value) ? value : [value];
  return list.map((type, index) => {
    const at = Array.isArray(value) ? `${path}/${index}` : path;
    if (typeof type !== 'string') throw badRequest('a type is a string', at);
    if (!isEntityType(type)) throw badRequest(`unknown type "${type.slice(0, 100)}": this service has ${TYPES.map((t) => t.id).join(' and ')}`, at);
    return type;
  });
}

function parseValue(value: unknown, path: string): PropertyValue {
  if (typeof value === 'string') return checkText(value, path, LIMITS.queryCharacters);
  if (typeof value === 'number' || typeof value === 'boolean') return value;
  if (isRecord(value) && typeof value.id === 'string') {
    checkText(value.id, `${path}/id`, LIMITS.queryCharacters);
    return typeof value.name === 'string' ? { id: value.id, name: checkText(value.name, `${path}/name`, LIMITS.queryCharacters) } : { id: value.id };
  }
  throw badRequest('a property value is a string, a number, a boolean or an entity {"id": …}', path);
}

function parseQuery(key: string, input: unknown): ReconQuery {
  const path = `/${key}`;
  if (key.length > LIMITS.keyCharacters) throw badRequest(`query keys are at most ${LIMITS.keyCharacters} characters`, path.slice(0, 40));
  if (!isRecord(input)) throw badRequest('a query is an object', path);
  for (const field of Object.keys(input)) {
    if (!QUERY_FIELDS.has(field)) throw badRequest(`unknown field "${field.slice(0, 50)}" (a query has ${[...QUERY_FIELDS].join(', ')})`, `${path}/${field.slice(0, 50)}`);
  }
  if (input.query !== undefined && typeof input.query !== 'string') throw badRequest('query is a string', `${path}/query`);
  const text = checkText(typeof input.query === 'string' ? input.query.trim() : '', `${path}/query`, LIMITS.queryCharacters);
  let limit: number = LIMITS.defaultCandidates;
  if (input.limit !== undefined) {
    if (typeof input.limit !== 'number' || !Number.isInteger(input.limit) || input.limit < 1) throw badRequest('limit is a positive integer', `${path}/limit`);
    limit = Math.min(input.limit, LIMITS.maxCandidates);
  }
  if (input.type_strict !== undefined && !['any', 'all', 'should'].includes(String(input.type_strict))) {
    throw badRequest('type_strict is "any", "all" or "should"', `${path}/type_strict`);
  }
  const properties: ReconQuery['properties'] = [];
  if (input.properties !== undefined) {
    if (!Array.isArray(input.properties)) throw badRequest('properties is an array of {"pid", "v"}', `${path}/properties`);
    if (input.properties.length > LIMITS.propertiesPerQuery) throw badRequest(`at most ${LIMITS.propertiesPerQuery} properties per query`, `${path}/properties`);
    input.properties.forEach((property: unknown, index) => {
      const at = `${path}/properties/${index}`;
      if (!isRecord(property) || typeof property.pid !== 'string' || property.v === undefined) throw badRequest('a property is {"pid": string, "v": value}', at);
      const known = propertyById.get(property.pid);
      if (!known?.query) {
        const usable = [...propertyById.values()].filter((p) => p.query).map((p) => p.id);
        throw badRequest(`unknown property "${property.pid.slice(0, 50)}" (queries can use ${usable.join(', ')})`, `${at}/pid`);
      }
      const values = Array.isArray(property.v) ? property.v : [property.v];
      if (values.length > LIMITS.valuesPerProperty) throw badRequest(`at most ${LIMITS.valuesPerProperty} values per property`, `${at}/v`);
      properties.push({ pid: property.pid, values: values.map((value, i) => parseValue(value, Array.isArray(property.v) ? `${at}/v/${i}` : `${at}/v`)) });
    });
  }
  if (!text && properties.length === 0) throw badRequest('a query needs a non-empty "query" or some "properties"', path);
  return { key, text, types: parseTypes(input.type, `${path}/type`), limit, properties };
}

/** Validates a reconciliation query batch (`{"q0": {...}, ...}`) against the 0.2 rules and our limits. */
export function parseBatch(input: unknown): ReconQuery[] {
  if (!isRecord(input)) throw badRequest('"queries" is a JSON object of queries by key', '/queries');
  const entries = Object.entries(input);
  if (entries.length > LIMITS.batchSize) {
    throw new RequestError(413, 'BATCH_TOO_LARGE', `a batch holds at most ${LIMITS.batchSize} queries (this one has ${entries.length}); send smaller batches`, '/queries');
  }
  return entries.map(([key, query]) => parseQuery(key, query));
}
