import SchemaBuilder from '@pothos/core';
import DirectivesPlugin from '@pothos/plugin-directives';
import ErrorsPlugin from '@pothos/plugin-errors';
import FederationPlugin from '@pothos/plugin-federation';
import PrismaPlugin from '@pothos/plugin-prisma';
import RelayPlugin from '@pothos/plugin-relay';
import ValidationPlugin from '@pothos/plugin-validation';
import { GraphQLError } from 'graphql';
import type { Context } from './context.js';
import { formatIsoDate, parseIsoDate } from './domain/dates.js';
import { isUuid } from './domain/uuid7.js';
import type PrismaTypes from './generated/pothos-prisma-types.js';
import { getDatamodel } from './generated/pothos-prisma-types.js';
import { badInput } from './graphql/errors.js';

export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 20;

const NODE_TYPES = new Set(['Actor', 'Affiliation', 'Source', 'Statement', 'Claim', 'Stance', 'AuditEntry', 'Review']);

export const encodeGlobalId = (typename: string, id: string) => Buffer.from(`${typename}:${id}`, 'utf8').toString('base64');

export function decodeGlobalId(globalId: string): { typename: string; id: string } {
  const decoded = /^[A-Za-z0-9+/]+={0,2}$/.test(globalId) ? Buffer.from(globalId, 'base64').toString('utf8') : '';
  const separator = decoded.indexOf(':');
  const typename = decoded.slice(0, separator);
  const id = decoded.slice(separator + 1);
  if (separator < 1 || !NODE_TYPES.has(typename) || !isUuid(id)) {
    throw badInput(`"${globalId.length > 80 ? `${globalId.slice(0, 80)}…` : globalId}" is not a valid ID of this service`, {
      code: 'INVALID_ID',
    });
  }
  return { typename, id };
}

/**
 * Node types only the admin scope may read. `node(id:)`/`nodes(ids:)` answer null for them to anyone
 * else, exactly as for an ID that does not exist: a global ID is an identifier, not a permission.
 */
const ADMIN_ONLY_NODE_TYPES = new Set(['AuditEntry']);

export async function mayReadNode(context: Context, typename: string): Promise<boolean> {
  if (!ADMIN_ONLY_NODE_TYPES.has(typename)) return true;
  const principal = await context.principal();
  return principal?.scopes.has('admin') ?? false;
}

export const builder = new SchemaBuilder<{
  Context: Context;
  PrismaTypes: PrismaTypes;
  DefaultFieldNullability: false;
  Scalars: {
    Date: { Input: Date; Output: Date };
    DateTime: { Input: Date; Output: Date };
    JSON: { Input: unknown; Output: unknown };
  };
}>({
  plugins: [ErrorsPlugin, RelayPlugin, ValidationPlugin, PrismaPlugin, DirectivesPlugin, FederationPlugin],
  defaultFieldNullability: false,
  relay: {
    clientMutationId: 'omit',
    cursorType: 'String',
    nodeTypeOptions: { description: 'An object with a globally unique, opaque ID.' },
    decodeGlobalID: (globalId) => decodeGlobalId(globalId),
    nodeQueryOptions: {
      resolve: async (_root, { id }, context, _info, resolveNode) => ((await mayReadNode(context, id.typename)) ? resolveNode(id) : null),
    },
    nodesQueryOptions: {
      resolve: async (_root, { ids }, context, _info, resolveNodes) => {
        const allowed = await Promise.all(ids.map((id) => mayReadNode(context, id.typename)));
        if (!allowed.includes(true)) return ids.map(() => null);
        // The plugin's loader always loads every ID it was called with (it ignores the list passed in).
        const found = await resolveNodes(ids);
        return found.map((node, index) => (allowed[index] ? node : null));
      },
    },
  },
  validation: {
    validationError: (result) => {
      const issues = result.issues.map((issue) => ({
        path: (issue.path ?? []).map((part) => (typeof part === 'object' ? part.key : part)).map(String),
        message: issue.message,
      }));
      const first = issues[0];
      return badInput(first ? `Invalid argument ${first.path.join('.') || '(arguments)'}: ${first.message}` : 'Invalid arguments', {
        argument: first?.path[0],
        issues,
      });
    },
  },
  prisma: {
    client: (ctx) => ctx.prisma,
    dmmf: getDatamodel(),
    exposeDescriptions: true,
    filterConnectionTotalCount: true,
    onUnusedQuery: process.env.NODE_ENV === 'production' ? null : 'error',
    maxConnectionSize: MAX_PAGE_SIZE,
    defaultConnectionSize: DEFAULT_PAGE_SIZE,
  },
});

builder.queryType({ description: 'Who said what, about which claim, in answer to whom.' });
builder.mutationType({
  description: 'Writes. Every mutation needs `Authorization: Bearer <token>` with the `write` scope (merges and deletions: `admin`), runs in one transaction, and is recorded in the audit log.',
});

builder.scalarType('Date', {
  description: 'A calendar date, ISO 8601 `YYYY-MM-DD` (no time, no zone).',
  // The read compiler (src/sql/read) hands over dates already formatted.
  serialize: (value) => (typeof value === 'string' ? value : formatIsoDate(value)),
  parseValue: (value) => {
    const date = typeof value === 'string' ? parseIsoDate(value) : undefined;
    if (!date) throw new GraphQLError(`Date must be a calendar date as YYYY-MM-DD, got ${JSON.stringify(value)?.slice(0, 60)}`, { extensions: { code: 'BAD_USER_INPUT' } });
    return date;
  },
  parseLiteral: (ast) => {
    const date = ast.kind === 'StringValue' ? parseIsoDate(ast.value) : undefined;
    if (!date) {
      const shown = ast.kind === 'StringValue' ? JSON.stringify(ast.value).slice(0, 60) : `a ${ast.kind}`;
      throw new GraphQLError(`Date must be a calendar date as YYYY-MM-DD, got ${shown}`, { extensions: { code: 'BAD_USER_INPUT' } });
    }
    return date;
  },
});

builder.scalarType('JSON', {
  description: 'Any JSON value.',
  serialize: (value) => value,
  parseValue: (value) => value,
});

builder.scalarType('DateTime', {
  description: 'A point in time, ISO 8601 in UTC, e.g. `2024-11-01T09:30:00.000Z`.',
  serialize: (value) => (typeof value === 'string' ? value : value.toISOString()),
  parseValue: (value) => {
    const date = typeof value === 'string' ? new Date(value) : undefined;
    if (!date || Number.isNaN(date.getTime())) throw new GraphQLError('DateTime must be an ISO 8601 timestamp', { extensions: { code: 'BAD_USER_INPUT' } });
    return date;
  },
});
