import { GraphQLError } from 'graphql';
import { createGraphQLError, type Plugin } from 'graphql-yoga';

/** Yoga reports a variable of the wrong type without a code; so does the CSRF check. */
function codeFor(error: GraphQLError): string {
  return error.message.startsWith('Variable "$') ? 'BAD_USER_INPUT' : 'BAD_REQUEST';
}

function withCode<E extends Error>(error: E): E | GraphQLError {
  if (!(error instanceof GraphQLError) || typeof error.extensions.code === 'string' || error.extensions.unexpected) return error;
  return createGraphQLError(error.message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    path: error.path,
    originalError: error.originalError,
    extensions: { ...error.extensions, code: codeFor(error) },
  });
}

/** Every error a client gets carries `extensions.code`, so clients can branch on it rather than on wording. */
export function useErrorCodes(): Plugin {
  return {
    onResultProcess({ result, setResult }) {
      if (Array.isArray(result)) {
        setResult(result.map((one) => (one.errors?.length ? { ...one, errors: one.errors.map(withCode) } : one)));
      } else if (!(Symbol.asyncIterator in result) && result.errors?.length) {
        setResult({ ...result, errors: result.errors.map(withCode) });
      }
    },
  };
}
