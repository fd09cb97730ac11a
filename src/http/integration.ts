import type { YogaServerOptions } from 'graphql-yoga';
import type { Context } from '../context.js';

/** How the service meets other tools: federation, GraphQL over HTTP, CORS, persisted operations, live updates. */
export interface IntegrationOptions {}

export type YogaOptions = Partial<YogaServerOptions<Record<string, unknown>, Context>>;

/** Yoga options (plugins included) for integration; server.ts spreads them into createYoga. */
export function integrationYogaOptions(_options: IntegrationOptions = {}): YogaOptions {
  return { plugins: [] };
}
