import type { FieldNode, GraphQLResolveInfo, GraphQLSchema, OperationDefinitionNode } from 'graphql';
import { Planner, Replay } from './compiler.js';

/**
 * Plans reused across requests, so that a root field's selection is walked into SQL once per distinct
 * operation (as grafast does), not on every request.
 *
 * A plan belongs to the field nodes it was made from (Yoga's parse cache hands out the same document for
 * the same query text, so the nodes of a repeated operation are the same objects), its schema, operation
 * and purpose. It is reused only for a request that agrees with it on every fact the planner read while
 * making it: the planner reads the request only through `Planner.fact`, `slot` and `param`, and each
 * read is recorded as a step. Reusing a plan replays those steps against the new request: facts (an
 * `@include` outcome, which arguments are given, the paging direction, a declaration's SQL text with its
 * parameter numbers, the lookups' grouping) must come out the same, and parameters are recomputed from it.
 * A request that differs in any fact gets a plan of its own (kept beside the others, up to
 * MAX_PLANS_PER_FIELD per field). Nothing about the request enters the key that the steps do not check,
 * so a wrong reuse would need a planner read that bypasses them.
 *
 * Bounded: at most `maxPlans` plans (1,000) in all, the least recently used field's plans evicted first.
 */

interface Entry<T> {
  schema: GraphQLSchema;
  operation: OperationDefinitionNode;
  purpose: string;
  fieldNodes: readonly FieldNode[];
  steps: Planner['steps'];
  value: T;
}

const MAX_PLANS_PER_FIELD = 16;
let maxPlans = 1_000;
/** By the first field node of the root field, least recently used first. */
const plans = new Map<FieldNode, Entry<unknown>[]>();
let size = 0;
const counts = { hits: 0, misses: 0, cpuMicros: 0 };
let timed = false;

/**
 * Sets the cache's bound (0 turns it off: every request plans; the CPU benchmark compares both). `timed`
 * adds the CPU time spent finding or making plans to the stats (bench/reads-cpu.ts).
 */
export function configurePlanCache(options: { maxPlans: number; timed?: boolean }) {
  maxPlans = options.maxPlans;
  timed = options.timed ?? false;
  counts.cpuMicros = 0;
  plans.clear();
  size = 0;
  counts.hits = 0;
  counts.misses = 0;
}

export const planCacheStats = () => ({ ...counts, plans: size });

const sameNodes = (a: readonly FieldNode[], b: readonly FieldNode[]) => a.length === b.length && a.every((node, i) => node === b[i]);

function replays(entry: Entry<unknown>, replay: Replay): boolean {
  try {
    for (const step of entry.steps) if (!step(replay)) return false;
    return true;
  } catch {
    return false;
  }
}

/**
 * The plan `build` makes for this request's root field, and the parameters for this request: a plan made
 * for an earlier request that agrees on every fact it read, or a new one. `root` is what the plan reads
 * besides the operation's variables (the field's arguments, its lookups, an id). Undefined from `build`
 * (the field falls back to its resolver) is not kept.
 */
export function plan<T>(info: GraphQLResolveInfo, purpose: string, root: unknown, build: (planner: Planner) => T | undefined): { value: T; params: unknown[] } | undefined {
  if (!timed) return planned(info, purpose, root, build);
  const started = process.cpuUsage();
  try {
    return planned(info, purpose, root, build);
  } finally {
    const used = process.cpuUsage(started);
    counts.cpuMicros += used.user + used.system;
  }
}

function planned<T>(info: GraphQLResolveInfo, purpose: string, root: unknown, build: (planner: Planner) => T | undefined): { value: T; params: unknown[] } | undefined {
  const first = info.fieldNodes[0];
  const candidates = first && maxPlans > 0 ? plans.get(first) : undefined;
  if (first && candidates) {
    for (const entry of candidates) {
      if (entry.schema !== info.schema || entry.operation !== info.operation || entry.purpose !== purpose || !sameNodes(entry.fieldNodes, info.fieldNodes)) continue;
      const replay = new Replay(info, root);
      if (!replays(entry, replay)) continue;
      counts.hits++;
      plans.delete(first);
      plans.set(first, candidates);
      return { value: entry.value as T, params: replay.params.values };
    }
  }
  counts.misses++;
  const planner = new Planner(info, root);
  const value = build(planner);
  if (value === undefined) return undefined;
  if (first && maxPlans > 0) {
    const list = candidates ?? [];
    list.unshift({ schema: info.schema, operation: info.operation, purpose, fieldNodes: [...info.fieldNodes], steps: planner.steps, value });
    size++;
    if (list.length > MAX_PLANS_PER_FIELD) {
      list.pop();
      size--;
    }
    plans.delete(first);
    plans.set(first, list);
    for (const [node, evicted] of plans) {
      if (size <= maxPlans) break;
      plans.delete(node);
      size -= evicted.length;
    }
  }
  return { value, params: planner.live.params.values };
}
