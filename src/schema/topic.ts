import { z } from 'zod';
import { builder } from '../builder.js';
import { topicSlug } from '../domain/topics.js';
import * as sql from '../sql/read/fields.js';
import { type TopicCount, topicCounts } from '../sql/topics/counts.js';
import { likeLiteral, SEARCH, searchTerm } from './args.js';

export interface TopicLabel {
  label: string;
  slug: string;
}

export const TopicRef = builder.objectRef<TopicLabel>('Topic').implement({
  description: 'A topic as people write it ("Varna dam") with the slug derived from it ("varna-dam"); filters accept either.',
  fields: (t) => ({
    label: t.exposeString('label', { extensions: { sql: sql.read.element('label') } }),
    slug: t.exposeString('slug', { extensions: { sql: sql.read.element('slug') } }),
  }),
});

const TopicCountRef = builder.objectRef<TopicCount>('TopicCount').implement({
  description: 'A topic in use and how many claims carry it.',
  fields: (t) => ({
    label: t.exposeString('label', { description: 'The label most claims use for this slug.' }),
    slug: t.exposeString('slug'),
    claimCount: t.exposeInt('claimCount'),
  }),
});

const TOPICS_MAX = 100;

builder.queryFields((t) => ({
  topics: t.field({
    type: [TopicCountRef],
    description: `Topics in use, most claims first (ties by slug), with counts. \`search\`: a case-insensitive substring of the label or slug. At most ${TOPICS_MAX}.`,
    args: {
      search: t.arg.string({ validate: SEARCH }),
      first: t.arg.int({ defaultValue: 50, validate: z.number().int().min(0).max(TOPICS_MAX) }),
    },
    resolve: (_root, args, { prisma }) => {
      const term = searchTerm(args.search);
      const slugTerm = term === undefined ? '' : topicSlug(term);
      return topicCounts(
        prisma,
        term === undefined ? null : `%${likeLiteral(term)}%`,
        term === undefined ? null : slugTerm ? `%${likeLiteral(slugTerm)}%` : null,
        args.first ?? 50,
      );
    },
  }),
}));
