import { GraphQLError } from 'graphql';

/** A client mistake: shown to the client as is, with a machine-readable code. */
export function badInput(message: string, extensions: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', ...extensions } });
}
