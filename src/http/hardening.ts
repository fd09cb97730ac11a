import type { Context } from '../context.js';
import type { YogaOptions } from './integration.js';

/** Limits, timeouts, rate limiting and observability for a public endpoint. */
export interface HardeningOptions {}

/** Yoga options (plugins included) for hardening; server.ts spreads them into createYoga. */
export function hardeningYogaOptions(_options: HardeningOptions = {}): YogaOptions & { context?: never } {
  return { plugins: [] };
}

export type { Context };
