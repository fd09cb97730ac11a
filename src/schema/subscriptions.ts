import { GraphQLError } from 'graphql';
import { filter, pipe } from 'graphql-yoga';
import { builder } from '../builder.js';
import type { Context } from '../context.js';
import type { StatementRecordedEvent } from '../events.js';
import type { Statement as StatementRow } from '../generated/prisma/client.js';
import { readById } from '../sql/read/install.js';
import { Statement } from './statement.js';
import { badInput } from '../graphql/errors.js';

builder.subscriptionType({
  description:
    'Live updates, over Server-Sent Events (`Accept: text/event-stream`) or the `graphql-transport-ws` WebSocket protocol on the same path. Events are sent after the write commits.',
});

async function requireKnown(ctx: Context, kind: 'actor' | 'claim', slug: string | null | undefined) {
  if (!slug) return;
  const where = { slug };
  const found = kind === 'actor' ? await ctx.prisma.actor.count({ where }) : await ctx.prisma.claim.count({ where });
  if (!found) throw badInput(`There is no ${kind} with the slug "${slug.slice(0, 80)}"`, { code: 'NOT_FOUND', argument: kind === 'actor' ? 'speaker' : 'claim' });
}

builder.subscriptionField('statementRecorded', (t) =>
  t.field({
    type: Statement,
    description:
      'A statement each time one is recorded, or gains a stance on a claim. Both filters are optional and combine with AND; an unknown slug is an error rather than a silent, empty stream.',
    args: {
      speaker: t.arg.string({ description: 'Slug of the actor who spoke.' }),
      claim: t.arg.string({ description: 'Slug of a claim the statement takes a stance on.' }),
    },
    subscribe: async (_root, { speaker, claim }, ctx) => {
      await requireKnown(ctx, 'actor', speaker);
      await requireKnown(ctx, 'claim', claim);
      return pipe(
        ctx.events.subscribe('statementRecorded'),
        filter((event: StatementRecordedEvent) => (!speaker || event.speakerSlug === speaker) && (!claim || event.claimSlugs.includes(claim))),
      );
    },
    resolve: async (event: StatementRecordedEvent, _args, ctx, info) => {
      // The payload's whole selection in one SQL statement (src/sql/read).
      const statement = (await readById(ctx, info, 'Statement', event.statementId)) as StatementRow | null;
      if (!statement) throw new GraphQLError('The statement was deleted before this event could be delivered', { extensions: { code: 'NOT_FOUND' } });
      return statement;
    },
  }),
);
