import { builder } from '../builder.js';
import { Conflict, type Issue, NotFound, ValidationFailure } from '../domain/errors.js';

export const ErrorInterface = builder.interfaceRef<Error>('Error').implement({
  description: 'An expected failure of a mutation, returned as data: nothing was changed.',
  fields: (t) => ({ message: t.exposeString('message') }),
});

const IssueRef = builder.objectRef<Issue>('Issue').implement({
  description: 'One problem with the input.',
  fields: (t) => ({
    path: t.exposeStringList('path', { description: 'Where in the arguments, e.g. ["input", "stances", "0", "claim"].' }),
    message: t.exposeString('message'),
  }),
});

builder.objectType(ValidationFailure, {
  name: 'ValidationError',
  description: 'The input is invalid; `issues` says where and why.',
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof ValidationFailure,
  fields: (t) => ({ issues: t.field({ type: [IssueRef], resolve: (error) => error.issues }) }),
});

builder.objectType(NotFound, {
  name: 'NotFoundError',
  description: 'A record the input names does not exist.',
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof NotFound,
  fields: (t) => ({ type: t.exposeString('type'), key: t.exposeString('key', { description: 'The ID or slug that was not found.' }) }),
});

builder.objectType(Conflict, {
  name: 'ConflictError',
  description: 'The write would break a uniqueness or integrity rule, e.g. a slug already in use.',
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof Conflict,
  fields: (t) => ({ field: t.exposeString('field', { nullable: true }) }),
});

export const WRITE_ERRORS = [ValidationFailure, NotFound, Conflict];
