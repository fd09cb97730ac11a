import { maxAliasesPlugin } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthPlugin } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesPlugin } from '@escape.tech/graphql-armor-max-directives';
import { maxTokensPlugin } from '@escape.tech/graphql-armor-max-tokens';
import { characterLimitPlugin } from '@escape.tech/graphql-armor-character-limit';
import { GraphQLError, type ValidationContext, type ValidationRule } from 'graphql';
import { createGraphQLError, type Plugin } from 'graphql-yoga';

/** Limits on the shape of a query, checked while it is parsed and validated: before anything runs. */
export interface QueryLimits {
  /** Nesting of fields; fragments count as a level, as in graphql-armor. */
  maxDepth: number;
  maxAliases: number;
  maxDirectives: number;
  /** Lexical tokens (names, punctuation, values) in the query text. */
  maxTokens: number;
  /** Characters in the query text (variables not included). */
  maxCharacters: number;
  /** Largest cost (src/http/cost.ts) a single operation may have. */
  maxCost: number;
  introspection: boolean;
  /** "Did you mean ...?" hints in error messages; they map the schema for whoever guesses. */
  fieldSuggestions: boolean;
}

/**
 * Deliberately tighter than graphql-armor's defaults, except depth: armor's 6 cannot express
 * "an actor's statements, the responses to them and who made those" (the GraphiQL example is 9 deep).
 */
export const DEFAULT_LIMITS: QueryLimits = {
  maxDepth: 12,
  maxAliases: 15,
  maxDirectives: 20,
  maxTokens: 1000,
  maxCharacters: 10_000,
  maxCost: 25_000,
  introspection: true,
  fieldSuggestions: true,
};

export type LimitName = 'depth' | 'aliases' | 'directives' | 'tokens' | 'characters' | 'cost';

/** The error every exceeded limit gives: a 400 with `code`, which limit, the maximum and what was found. */
export function limitError(limit: LimitName, message: string, max: number, found?: number): GraphQLError {
  return createGraphQLError(message, {
    extensions: { code: 'QUERY_LIMIT_EXCEEDED', limit, max, ...(found === undefined ? {} : { found }), http: { status: 400 } },
  });
}

const foundIn = (error: GraphQLError) => {
  const match = /found (\d+)/.exec(error.message);
  return match?.[1] === undefined ? undefined : Number(match[1]);
};

/** armor reports "Syntax Error: ..." without a code; we report our own typed error instead. */
function reportTo(limit: LimitName, max: number, describe: (found: number | undefined) => string) {
  return {
    n: max,
    propagateOnRejection: false,
    onReject: [
      (context: ValidationContext | null, error: GraphQLError) => {
        const found = foundIn(error);
        const typed = limitError(limit, describe(found), max, found);
        if (context) context.reportError(typed);
        else throw typed;
      },
    ],
  };
}

const introspectionRule: ValidationRule = (context) => ({
  Field(node) {
    if (node.name.value === '__schema' || node.name.value === '__type') {
      context.reportError(
        createGraphQLError(`Introspection is disabled on this server (the query asks for "${node.name.value}"); the schema is published as schema.graphql`, {
          nodes: [node],
          extensions: { code: 'INTROSPECTION_DISABLED', http: { status: 400 } },
        }),
      );
    }
  },
});

const SUGGESTION = /\s*Did you mean [^?]*\?/g;

const withoutSuggestions = <E extends Error>(error: E): E | GraphQLError =>
  error instanceof GraphQLError && error.message.includes('Did you mean')
    ? createGraphQLError(error.message.replace(SUGGESTION, ''), {
        nodes: error.nodes,
        source: error.source,
        positions: error.positions,
        path: error.path,
        originalError: error.originalError,
        extensions: error.extensions,
      })
    : error;

/** Strips "Did you mean" hints from validation errors and from variable errors raised when execution starts. */
function useBlockFieldSuggestions(): Plugin {
  return {
    onValidate: () => ({ valid, result, setResult }) => {
      if (!valid) setResult(result.map(withoutSuggestions));
    },
    onExecute: () => ({
      onExecuteDone({ result, setResult }) {
        if (!('errors' in result) || !result.errors?.length) return;
        setResult({ ...result, errors: result.errors.map(withoutSuggestions) });
      },
    }),
  };
}

const plural = (count: number | undefined, one: string, many: string) => (count === undefined ? `more ${many}` : `${count} ${count === 1 ? one : many}`);

/** The parse- and validation-time limits. Order matters: the character check must wrap the token-counting parser. */
export function limitPlugins(limits: QueryLimits): Plugin[] {
  const tokens = reportTo('tokens', limits.maxTokens, () => `The query has more than ${limits.maxTokens} tokens (names, punctuation and values); pass values as variables or split it`);
  const characters = reportTo('characters', limits.maxCharacters, (found) => `The query is ${plural(found, 'character', 'characters')} long; the limit is ${limits.maxCharacters}`);
  return [
    maxTokensPlugin(tokens),
    characterLimitPlugin({ maxLength: limits.maxCharacters, propagateOnRejection: false, onReject: characters.onReject }),
    maxDepthPlugin({
      ...reportTo('depth', limits.maxDepth, (found) => `The query is nested ${found ?? 'more than'} levels deep; the limit is ${limits.maxDepth}`),
      flattenFragments: true,
    }),
    maxAliasesPlugin(reportTo('aliases', limits.maxAliases, (found) => `The query uses ${plural(found, 'alias', 'aliases')}; the limit is ${limits.maxAliases}`)),
    maxDirectivesPlugin(reportTo('directives', limits.maxDirectives, (found) => `The query uses ${plural(found, 'directive', 'directives')}; the limit is ${limits.maxDirectives}`)),
    ...(limits.introspection ? [] : [{ onValidate: ({ addValidationRule }) => addValidationRule(introspectionRule) } satisfies Plugin]),
    ...(limits.fieldSuggestions ? [] : [useBlockFieldSuggestions()]),
  ];
}
