import { builder } from '../builder.js';
import { CHANGE_ACTIONS, type Change, type ChangePage, changesAfter, decodeCursor, START } from '../changes/feed.js';
import { badInput } from '../graphql/errors.js';
import { changeEvent } from '../webhooks/worker.js';

export const ChangeActionEnum = builder.enumType('ChangeAction', {
  description: 'What a change did to its record. MERGED: another actor was merged into it (and deleted).',
  values: CHANGE_ACTIONS,
});

const ChangeRef = builder.objectRef<Change>('Change').implement({
  description: 'One committed change to one record, in the change feed.',
  fields: (t) => ({
    cursor: t.exposeString('cursor', { description: 'Pass as `since` to read the changes after this one.' }),
    at: t.expose('at', { type: 'DateTime' }),
    type: t.exposeString('type', { description: 'Actor, Affiliation, Source, Claim, Statement or Stance.' }),
    action: t.field({ type: ChangeActionEnum, resolve: (change) => change.action }),
    mutation: t.exposeString('mutation', { description: 'The mutation that made it, e.g. recordStatement or importBundle.' }),
    id: t.id({
      nullable: true,
      description: 'The global ID of the record (still given once it is deleted); null for a stance, which `slug` names as statement/claim.',
      resolve: (change) => changeEvent(change).id,
    }),
    slug: t.exposeString('slug', { nullable: true }),
    actors: t.exposeStringList('actors', { description: 'Slugs of the actors it concerns: the actor itself, a statement’s speaker and onBehalfOf, an affiliation’s two actors.' }),
    claims: t.exposeStringList('claims', { description: 'Slugs of the claims it concerns: the claim itself, a stance’s claim, a statement’s stances.' }),
  }),
});

const ChangePageRef = builder.objectRef<ChangePage>('ChangePage').implement({
  description: 'A page of the change feed, oldest first.',
  fields: (t) => ({
    changes: t.field({ type: [ChangeRef], resolve: (page) => page.changes }),
    cursor: t.exposeString('cursor', { description: 'Where to resume: the last change’s cursor, or the `since` asked with when the page is empty. Store it and ask again later.' }),
    hasMore: t.exposeBoolean('hasMore', { description: 'More changes are already available after this page.' }),
  }),
});

const MAX_CHANGES = 100;

builder.queryFields((t) => ({
  changes: t.field({
    type: ChangePageRef,
    description:
      'Every committed create, update, retraction, merge and deletion, oldest first, resumable: read a page, store its `cursor`, and ask for the changes `since` it later. No change is ever skipped or repeated, even one whose transaction commits after a later-numbered one (a change appears once every transaction that started before it has ended). Needs what any read needs (public unless PUBLIC_READS=false); the writer and the before/after images stay in the admin-only `auditLog`.',
    args: {
      since: t.arg.string({ description: 'A cursor from an earlier page; left out: from the beginning.' }),
      first: t.arg.int({ defaultValue: MAX_CHANGES, description: `At most ${MAX_CHANGES}.` }),
    },
    resolve: async (_root, args, ctx) => {
      const first = args.first ?? MAX_CHANGES;
      if (first < 1 || first > MAX_CHANGES) throw badInput(`first must be from 1 to ${MAX_CHANGES}, got ${first}`, { argument: 'first' });
      const after = args.since == null ? START : decodeCursor(args.since);
      if (!after) throw badInput('since is not a cursor of the change feed', { argument: 'since' });
      return changesAfter(ctx.prisma, after, first);
    },
  }),
}));
