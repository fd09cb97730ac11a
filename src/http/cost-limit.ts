import { type DocumentNode, type ExecutionResult, getOperationAST, type GraphQLError, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import { createGraphQLError, type Plugin } from 'graphql-yoga';
import type { Context } from '../context.js';
import { variablesWithDefaults } from '../graphql/variables.js';
import { type CostModel, queryCost } from './cost.js';
import { limitError } from './limits.js';
import { type Allowance, clientKey, type RateLimitStore } from './rate-limit.js';
import { currentRequest } from './request-context.js';

/** Send `X-GraphQL-Cost: 1` to get the cost (and what is left of the per-minute budget) in `extensions.cost`. */
export const COST_REPORT_HEADER = 'x-graphql-cost';

export interface CostLimitOptions {
  maxCost: number;
  model: CostModel;
  rateLimit?: {
    store: RateLimitStore;
    costPerMinute: number;
    /** Load balancers in front whose X-Forwarded-For can be believed. */
    trustedProxies: number;
  };
  /** Told the cost of every operation that runs (for metrics). */
  onCost?: (cost: number) => void;
}

/** What Node's HTTP server (and the WebSocket server, when it passes the upgrade request) adds to the context. */
interface NodeServerContext {
  req?: { socket?: { remoteAddress?: string }; headers?: Record<string, string | string[] | undefined> };
}

type RequestContext = Context & NodeServerContext & { request?: Request };

/** A token holder is limited by token (wherever it calls from), anyone else by address; a bad token counts as its address. */
async function clientOf(context: RequestContext, trustedProxies: number): Promise<string> {
  const nodeForwarded = context.req?.headers?.['x-forwarded-for'];
  const headers = {
    has: (name: string) => context.request?.headers.has(name) ?? false,
    // Over a WebSocket the address comes from the upgrade request's Node headers.
    get: (name: string) => context.request?.headers.get(name) ?? (name === 'x-forwarded-for' && typeof nodeForwarded === 'string' ? nodeForwarded : null),
  };
  return clientKey(headers, context.req?.socket?.remoteAddress, () => context.principal(), trustedProxies);
}

function rateLimited(cost: number, capacity: number, allowance: Allowance): GraphQLError {
  const seconds = Math.max(1, Math.ceil(allowance.retryAfterMs / 1000));
  const message =
    cost > capacity
      ? `This query costs ${cost}, more than the ${capacity} points per minute a client may spend; ask for smaller pages`
      : `Too many requests: this query costs ${cost} and ${allowance.remaining} of your ${capacity} points per minute are left; retry in ${seconds} s`;
  return createGraphQLError(message, {
    extensions: { code: 'RATE_LIMITED', cost, retryAfter: seconds, http: { status: 429, headers: { 'Retry-After': String(seconds) } } },
  });
}

/** Distinct variable shapes remembered per operation: a client paging with every `first` from 1 to 100 does not grow it without end. */
const COSTS_PER_OPERATION = 64;

/**
 * What the cost of an operation depends on in its variables: numbers (page sizes) and list lengths (keys), each
 * variable the operation declares in declaration order. Declared names are GraphQL names, and validation has
 * already made every variable the operation uses a declared one.
 */
function costKey(operation: OperationDefinitionNode, variables: Readonly<Record<string, unknown>>): string {
  let key = '';
  for (const definition of operation.variableDefinitions ?? []) {
    const value = variables[definition.variable.name.value];
    key += typeof value === 'number' ? `${value},` : Array.isArray(value) ? `[${value.length},` : '-,';
  }
  return key;
}

/** queryCost, remembered per document, operation and cost key: the walk is paid once per distinct query and page sizes. */
function cachedCost(model: CostModel): (schema: GraphQLSchema, document: DocumentNode, operationName: string | null | undefined, variables: Readonly<Record<string, unknown>> | undefined) => number {
  const known = new WeakMap<DocumentNode, Map<string, number>>();
  return (schema, document, operationName, given) => {
    const variables = variablesWithDefaults(document, operationName, given);
    const operation = getOperationAST(document, operationName);
    if (!operation) return queryCost(schema, document, operationName, variables, model);
    let costs = known.get(document);
    if (!costs) known.set(document, (costs = new Map()));
    const key = `${operationName ?? ''}:${costKey(operation, variables)}`;
    let cost = costs.get(key);
    if (cost === undefined) {
      cost = queryCost(schema, document, operationName, variables, model);
      if (costs.size >= COSTS_PER_OPERATION) costs.clear();
      costs.set(key, cost);
    }
    return cost;
  };
}

function withCostReport<T extends ExecutionResult>(result: T, report: Record<string, unknown>): T {
  return { ...result, extensions: { ...result.extensions, cost: report } };
}

/**
 * Prices each operation before it runs (src/http/cost.ts), refuses one over `maxCost`, then takes its cost
 * from the client's per-minute budget. Nothing reaches a resolver, so nothing reaches the database, before both pass.
 */
export function useCostLimit(options: CostLimitOptions): Plugin<Context> {
  const { maxCost, model, rateLimit } = options;
  const costOf = cachedCost(model);
  return {
    async onExecute({ args, setResultAndStopExecution }) {
      // Even `{ __typename }` spends a point: a flood of free queries is still a flood.
      const cost = Math.max(1, costOf(args.schema, args.document, args.operationName, args.variableValues));
      const state = currentRequest();
      if (state) state.cost = cost;
      const context = args.contextValue as RequestContext;
      const wantsReport = context.request?.headers.get(COST_REPORT_HEADER) === '1';
      const report: Record<string, unknown> = { requestedQueryCost: cost, maximumQueryCost: maxCost };
      if (cost > maxCost) {
        const error = limitError(
          'cost',
          `The query would cost ${cost}; the limit is ${maxCost}. Each connection multiplies the cost of what it contains by its page size (first/last, 20 by default): ask for smaller pages or fewer nested connections`,
          maxCost,
          cost,
        );
        setResultAndStopExecution(wantsReport ? withCostReport({ errors: [error] }, report) : { errors: [error] });
        return;
      }
      options.onCost?.(cost);
      if (rateLimit) {
        const allowance = await rateLimit.store.take(await clientOf(context, rateLimit.trustedProxies), cost);
        report.throttleStatus = {
          maximumAvailable: rateLimit.costPerMinute,
          currentlyAvailable: allowance.remaining,
          restoreRate: Math.round((rateLimit.costPerMinute / 60) * 100) / 100,
        };
        if (!allowance.allowed) {
          const error = rateLimited(cost, rateLimit.costPerMinute, allowance);
          setResultAndStopExecution(wantsReport ? withCostReport({ errors: [error] }, report) : { errors: [error] });
          return;
        }
      }
      if (!wantsReport) return;
      return {
        onExecuteDone({ result, setResult }) {
          if (Symbol.asyncIterator in result) return;
          setResult(withCostReport(result, report));
        },
      };
    },
    onSubscribe({ args, setResultAndStopExecution }) {
      const cost = costOf(args.schema, args.document, args.operationName, args.variableValues);
      if (cost > maxCost) {
        setResultAndStopExecution({ errors: [limitError('cost', `The subscription would cost ${cost} per event; the limit is ${maxCost}`, maxCost, cost)] });
      }
    },
  };
}
