import { REASON_DESCRIPTION } from '../args.js';
import type { GraphQLResolveInfo } from 'graphql';
import { builder, encodeGlobalId } from '../../builder.js';
import { type Context, requireScope } from '../../context.js';
import { formatIsoDate } from '../../domain/dates.js';
import { publishPositionChanges } from '../../events.js';
import { readById } from '../../sql/read/install.js';
import { deleteStatement, recordStatement, removeStance, retractStatement, setStance, updateStatement, type Written } from '../../write/statements.js';
import { ResponseKindEnum, StancePositionEnum, StatementKindEnum } from '../enums.js';
import { WRITE_ERRORS } from '../errors.js';
import { Statement } from '../statement.js';

const iso = (date: Date | null | undefined) => (date ? formatIsoDate(date) : null);

const StanceInput = builder.inputType('StanceInput', {
  fields: (t) => ({
    claim: t.string({ required: true, description: 'Slug of the claim.' }),
    position: t.field({ type: StancePositionEnum, required: true }),
  }),
});

const RespondsToInput = builder.inputType('RespondsToInput', {
  fields: (t) => ({
    statement: t.string({ required: true, description: 'Slug of the statement responded to.' }),
    kind: t.field({ type: ResponseKindEnum, required: true }),
  }),
});

const QuoteInput = builder.inputType('QuoteInput', {
  description: "Where the source's text quotes a statement: offsets in UTF-16 code units (as JavaScript counts), end exclusive. The source must have its text; a DIRECT_QUOTE must be exactly that span.",
  fields: (t) => ({ start: t.int({ required: true }), end: t.int({ required: true }) }),
});

const RecordStatementInput = builder.inputType('RecordStatementInput', {
  description: 'A statement with its stances and what it responds to; actors, source and claims are named by slug.',
  fields: (t) => ({
    slug: t.string({ required: true }),
    speaker: t.string({ required: true }),
    onBehalfOf: t.string(),
    text: t.string({ required: true, description: 'For a DIRECT_QUOTE, the words exactly as the source quotes them.' }),
    kind: t.field({ type: StatementKindEnum, required: true }),
    saidOn: t.field({ type: 'Date' }),
    venue: t.string(),
    source: t.string({ required: true }),
    respondsTo: t.field({ type: RespondsToInput }),
    stances: t.field({ type: [StanceInput], defaultValue: [] }),
    quote: t.field({ type: QuoteInput }),
  }),
});

const UpdateStatementInput = builder.inputType('UpdateStatementInput', {
  description: 'Fields left out stay as they are; null clears an optional field; `stances`, when given, replaces them all.',
  fields: (t) => ({
    speaker: t.string(),
    onBehalfOf: t.string(),
    text: t.string(),
    kind: t.field({ type: StatementKindEnum }),
    saidOn: t.field({ type: 'Date' }),
    venue: t.string(),
    source: t.string(),
    respondsTo: t.field({ type: RespondsToInput }),
    stances: t.field({ type: [StanceInput] }),
    quote: t.field({ type: QuoteInput }),
  }),
});

const nonNull = <T>(value: T | null | undefined) => (value === null ? undefined : value);

/** Publishes the event, then reads the payload through the read compiler (one SQL statement for the whole selection). */
async function publishRecorded(ctx: Context, info: GraphQLResolveInfo, written: Written) {
  ctx.events.publish('statementRecorded', { statementId: written.id, speakerSlug: written.speakerSlug, claimSlugs: written.claimSlugs });
  publishPositionChanges(ctx.events, written.positionChanges);
  return ((await readById(ctx, info, 'Statement', written.id)) ?? written.statement) as Written['statement'];
}

builder.mutationFields((t) => ({
  recordStatement: t.field({
    type: Statement,
    description: 'Records a statement with its stances and response link in one transaction.',
    errors: { types: WRITE_ERRORS },
    args: { input: t.arg({ type: RecordStatementInput, required: true }) },
    resolve: async (_root, { input }, ctx, info) => {
      const writer = await requireScope(ctx, 'write');
      const written = await recordStatement(ctx.prisma, writer.name, {
        slug: input.slug,
        speaker: input.speaker,
        onBehalfOf: input.onBehalfOf ?? null,
        text: input.text,
        kind: input.kind,
        saidOn: iso(input.saidOn),
        venue: input.venue ?? null,
        source: input.source,
        respondsTo: input.respondsTo ?? null,
        stances: input.stances ?? [],
        quote: input.quote ?? null,
      });
      return publishRecorded(ctx, info, written);
    },
  }),
  updateStatement: t.field({
    type: Statement,
    errors: { types: WRITE_ERRORS },
    args: { id: t.arg.globalID({ for: Statement, required: true }), input: t.arg({ type: UpdateStatementInput, required: true }), reason: t.arg.string({ description: REASON_DESCRIPTION }) },
    resolve: async (_root, { id, input, reason }, ctx) => {
      const writer = await requireScope(ctx, 'write');
      const written = await updateStatement(ctx.prisma, writer.name, id.id, {
        speaker: nonNull(input.speaker),
        onBehalfOf: input.onBehalfOf,
        text: nonNull(input.text),
        kind: nonNull(input.kind),
        saidOn: input.saidOn === undefined ? undefined : iso(input.saidOn),
        venue: input.venue,
        source: nonNull(input.source),
        respondsTo: input.respondsTo,
        stances: nonNull(input.stances),
        quote: input.quote,
      }, reason);
      publishPositionChanges(ctx.events, written.positionChanges);
      return written.statement;
    },
  }),
  retractStatement: t.field({
    type: Statement,
    description: 'Marks a statement retracted (who, when, why) instead of deleting it; its stances stop counting toward claim status.',
    errors: { types: WRITE_ERRORS },
    args: { id: t.arg.globalID({ for: Statement, required: true }), reason: t.arg.string({ required: true }) },
    resolve: async (_root, { id, reason }, ctx) => {
      const writer = await requireScope(ctx, 'write');
      const retracted = await retractStatement(ctx.prisma, writer.name, id.id, reason);
      publishPositionChanges(ctx.events, retracted.positionChanges);
      return retracted.statement;
    },
  }),
  deleteStatement: t.field({
    type: 'ID',
    description: 'Deletes a statement for good (admin). Prefer retractStatement, which keeps the record.',
    errors: { types: WRITE_ERRORS },
    args: { id: t.arg.globalID({ for: Statement, required: true }), reason: t.arg.string({ description: REASON_DESCRIPTION }) },
    resolve: async (_root, { id, reason }, ctx) => {
      const writer = await requireScope(ctx, 'admin');
      publishPositionChanges(ctx.events, (await deleteStatement(ctx.prisma, writer.name, id.id, reason)).positionChanges);
      return encodeGlobalId('Statement', id.id);
    },
  }),
  setStance: t.field({
    type: Statement,
    description: 'Sets the position a statement takes on a claim, adding the stance or changing it.',
    errors: { types: WRITE_ERRORS },
    args: {
      statement: t.arg.globalID({ for: Statement, required: true }),
      claim: t.arg.string({ required: true, description: 'Slug of the claim.' }),
      position: t.arg({ type: StancePositionEnum, required: true }),
      reason: t.arg.string({ description: REASON_DESCRIPTION }),
    },
    resolve: async (_root, args, ctx, info) => {
      const writer = await requireScope(ctx, 'write');
      const written = await setStance(ctx.prisma, writer.name, args.statement.id, args.claim, args.position, args.reason);
      return publishRecorded(ctx, info, written);
    },
  }),
  removeStance: t.field({
    type: Statement,
    errors: { types: WRITE_ERRORS },
    args: { statement: t.arg.globalID({ for: Statement, required: true }), claim: t.arg.string({ required: true }), reason: t.arg.string({ description: REASON_DESCRIPTION }) },
    resolve: async (_root, args, ctx) => {
      const writer = await requireScope(ctx, 'write');
      const written = await removeStance(ctx.prisma, writer.name, args.statement.id, args.claim, args.reason);
      publishPositionChanges(ctx.events, written.positionChanges);
      return written.statement;
    },
  }),
}));
