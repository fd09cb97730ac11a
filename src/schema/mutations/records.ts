import { REASON_DESCRIPTION } from '../args.js';
import { builder, encodeGlobalId } from '../../builder.js';
import { requireScope } from '../../context.js';
import { formatIsoDate } from '../../domain/dates.js';
import {
  createActor,
  createAffiliation,
  createClaim,
  createSource,
  deleteActor,
  deleteAffiliation,
  deleteClaim,
  deleteSource,
  mergeActors,
  updateActor,
  updateAffiliation,
  updateClaim,
  updateSource,
} from '../../write/records.js';
import { publishPositionChanges } from '../../events.js';
import { Actor } from '../actor.js';
import { Affiliation } from '../affiliation.js';
import { Claim } from '../claim.js';
import { ActorKindEnum } from '../enums.js';
import { WRITE_ERRORS } from '../errors.js';
import { Source } from '../source.js';

const iso = (date: Date | null | undefined) => (date ? formatIsoDate(date) : null);
const patchIso = (date: Date | null | undefined) => (date === undefined ? undefined : iso(date));

const AffiliationLinkInput = builder.inputType('AffiliationLinkInput', {
  description: 'A role the new actor holds in another actor.',
  fields: (t) => ({
    organization: t.string({ required: true, description: 'Slug of the actor the role is in.' }),
    role: t.string({ required: true }),
    from: t.field({ type: 'Date' }),
    until: t.field({ type: 'Date' }),
  }),
});

const CreateActorInput = builder.inputType('CreateActorInput', {
  fields: (t) => ({
    slug: t.string({ required: true, description: 'Lowercase kebab-case, stable: e.g. `lin-jian`.' }),
    name: t.string({ required: true }),
    kind: t.field({ type: ActorKindEnum, required: true }),
    aliases: t.stringList({ defaultValue: [] }),
    description: t.string(),
    wikidataId: t.string({ description: 'A Wikidata item id such as Q159; only when certain.' }),
    affiliations: t.field({ type: [AffiliationLinkInput], defaultValue: [] }),
  }),
});

const UpdateActorInput = builder.inputType('UpdateActorInput', {
  description: 'Fields left out stay as they are; null clears an optional field. The slug never changes.',
  fields: (t) => ({
    name: t.string(),
    kind: t.field({ type: ActorKindEnum }),
    aliases: t.stringList(),
    description: t.string(),
    wikidataId: t.string(),
  }),
});

const CreateAffiliationInput = builder.inputType('CreateAffiliationInput', {
  fields: (t) => ({
    actor: t.string({ required: true, description: 'Slug of the member.' }),
    organization: t.string({ required: true, description: 'Slug of the actor the role is in.' }),
    role: t.string({ required: true }),
    from: t.field({ type: 'Date' }),
    until: t.field({ type: 'Date' }),
  }),
});

const UpdateAffiliationInput = builder.inputType('UpdateAffiliationInput', {
  fields: (t) => ({ role: t.string(), from: t.field({ type: 'Date' }), until: t.field({ type: 'Date' }) }),
});

const CreateSourceInput = builder.inputType('CreateSourceInput', {
  fields: (t) => ({
    slug: t.string({ required: true }),
    title: t.string({ required: true }),
    url: t.string({ description: 'Only a real, known http(s) URL: never invent one.' }),
    publisher: t.string(),
    publishedOn: t.field({ type: 'Date' }),
    text: t.string({ description: "The source's full text, kept as given: statements' quotes are offsets into it." }),
  }),
});

const UpdateSourceInput = builder.inputType('UpdateSourceInput', {
  fields: (t) => ({
    title: t.string(),
    url: t.string(),
    publisher: t.string(),
    publishedOn: t.field({ type: 'Date' }),
    text: t.string({ description: 'Refused while a statement quotes the source at offsets the new text does not hold.' }),
  }),
});

const CreateClaimInput = builder.inputType('CreateClaimInput', {
  fields: (t) => ({
    slug: t.string({ required: true }),
    text: t.string({ required: true, description: 'A checkable proposition; keep numbers as the source writes them.' }),
    topics: t.stringList({ defaultValue: [] }),
    source: t.string({ description: "Slug of the source whose own narration makes the claim, if any." }),
  }),
});

const UpdateClaimInput = builder.inputType('UpdateClaimInput', {
  fields: (t) => ({ text: t.string(), topics: t.stringList(), source: t.string() }),
});

const nonNull = <T>(value: T | null | undefined) => (value === null ? undefined : value);

builder.mutationFields((t) => ({
  createActor: t.field({
    type: Actor,
    errors: { types: WRITE_ERRORS },
    args: { input: t.arg({ type: CreateActorInput, required: true }) },
    resolve: async (_root, { input }, ctx) => {
      const writer = await requireScope(ctx, 'write');
      return createActor(ctx.prisma, writer.name, {
        slug: input.slug,
        name: input.name,
        kind: input.kind,
        aliases: input.aliases ?? [],
        description: input.description ?? null,
        wikidataId: input.wikidataId ?? null,
        affiliations: (input.affiliations ?? []).map((link) => ({ actor: link.organization, role: link.role, from: iso(link.from), until: iso(link.until) })),
      });
    },
  }),
  updateActor: t.field({
    type: Actor,
    errors: { types: WRITE_ERRORS },
    args: { id: t.arg.globalID({ for: Actor, required: true }), input: t.arg({ type: UpdateActorInput, required: true }), reason: t.arg.string({ description: REASON_DESCRIPTION }) },
    resolve: async (_root, { id, input, reason }, ctx) => {
      const writer = await requireScope(ctx, 'write');
      return updateActor(ctx.prisma, writer.name, id.id, {
        name: nonNull(input.name),
        kind: nonNull(input.kind),
        aliases: nonNull(input.aliases),
        description: input.description,
        wikidataId: input.wikidataId,
      }, reason);
    },
  }),
  deleteActor: t.field({
    type: 'ID',
    description: 'Deletes an actor no statement names (admin). Returns the deleted ID.',
    errors: { types: WRITE_ERRORS },
    args: { id: t.arg.globalID({ for: Actor, required: true }), reason: t.arg.string({ description: REASON_DESCRIPTION }) },
    resolve: async (_root, { id, reason }, ctx) => {
      const writer = await requireScope(ctx, 'admin');
      await deleteActor(ctx.prisma, writer.name, id.id, reason);
      return encodeGlobalId('Actor', id.id);
    },
  }),
  mergeActors: t.field({
    type: Actor,
    description: 'Folds a duplicate (`from`) into `into` (admin): statements and affiliations move, the duplicate’s slug and names become aliases.',
    errors: { types: WRITE_ERRORS },
    args: { into: t.arg.globalID({ for: Actor, required: true }), from: t.arg.globalID({ for: Actor, required: true }), reason: t.arg.string({ description: REASON_DESCRIPTION }) },
    resolve: async (_root, { into, from, reason }, ctx) => {
      const writer = await requireScope(ctx, 'admin');
      const merged = await mergeActors(ctx.prisma, writer.name, into.id, from.id, reason);
      publishPositionChanges(ctx.events, merged.positionChanges);
      return merged.actor;
    },
  }),
  createAffiliation: t.field({
    type: Affiliation,
    errors: { types: WRITE_ERRORS },
    args: { input: t.arg({ type: CreateAffiliationInput, required: true }) },
    resolve: async (_root, { input }, ctx) => {
      const writer = await requireScope(ctx, 'write');
      return createAffiliation(ctx.prisma, writer.name, { ...input, from: input.from ?? null, until: input.until ?? null });
    },
  }),
  updateAffiliation: t.field({
    type: Affiliation,
    errors: { types: WRITE_ERRORS },
    args: { id: t.arg.globalID({ for: Affiliation, required: true }), input: t.arg({ type: UpdateAffiliationInput, required: true }), reason: t.arg.string({ description: REASON_DESCRIPTION }) },
    resolve: async (_root, { id, input, reason }, ctx) => {
      const writer = await requireScope(ctx, 'write');
      return updateAffiliation(ctx.prisma, writer.name, id.id, { role: nonNull(input.role), from: input.from, until: input.until }, reason);
    },
  }),
  deleteAffiliation: t.field({
    type: 'ID',
    errors: { types: WRITE_ERRORS },
    args: { id: t.arg.globalID({ for: Affiliation, required: true }), reason: t.arg.string({ description: REASON_DESCRIPTION }) },
    resolve: async (_root, { id, reason }, ctx) => {
      const writer = await requireScope(ctx, 'write');
      await deleteAffiliation(ctx.prisma, writer.name, id.id, reason);
      return encodeGlobalId('Affiliation', id.id);
    },
  }),
  createSource: t.field({
    type: Source,
    errors: { types: WRITE_ERRORS },
    args: { input: t.arg({ type: CreateSourceInput, required: true }) },
    resolve: async (_root, { input }, ctx) => {
      const writer = await requireScope(ctx, 'write');
      return createSource(ctx.prisma, writer.name, {
        slug: input.slug,
        title: input.title,
        url: input.url ?? null,
        publisher: input.publisher ?? null,
        publishedOn: iso(input.publishedOn),
        text: input.text ?? null,
      });
    },
  }),
  updateSource: t.field({
    type: Source,
    errors: { types: WRITE_ERRORS },
    args: { id: t.arg.globalID({ for: Source, required: true }), input: t.arg({ type: UpdateSourceInput, required: true }), reason: t.arg.string({ description: REASON_DESCRIPTION }) },
    resolve: async (_root, { id, input, reason }, ctx) => {
      const writer = await requireScope(ctx, 'write');
      return updateSource(ctx.prisma, writer.name, id.id, {
        title: nonNull(input.title),
        url: input.url,
        publisher: input.publisher,
        publishedOn: patchIso(input.publishedOn),
        text: input.text,
      }, reason);
    },
  }),
  deleteSource: t.field({
    type: 'ID',
    description: 'Deletes a source that carries no statements (admin).',
    errors: { types: WRITE_ERRORS },
    args: { id: t.arg.globalID({ for: Source, required: true }), reason: t.arg.string({ description: REASON_DESCRIPTION }) },
    resolve: async (_root, { id, reason }, ctx) => {
      const writer = await requireScope(ctx, 'admin');
      await deleteSource(ctx.prisma, writer.name, id.id, reason);
      return encodeGlobalId('Source', id.id);
    },
  }),
  createClaim: t.field({
    type: Claim,
    errors: { types: WRITE_ERRORS },
    args: { input: t.arg({ type: CreateClaimInput, required: true }) },
    resolve: async (_root, { input }, ctx) => {
      const writer = await requireScope(ctx, 'write');
      return createClaim(ctx.prisma, writer.name, { slug: input.slug, text: input.text, topics: input.topics ?? [], source: input.source ?? null });
    },
  }),
  updateClaim: t.field({
    type: Claim,
    errors: { types: WRITE_ERRORS },
    args: { id: t.arg.globalID({ for: Claim, required: true }), input: t.arg({ type: UpdateClaimInput, required: true }), reason: t.arg.string({ description: REASON_DESCRIPTION }) },
    resolve: async (_root, { id, input, reason }, ctx) => {
      const writer = await requireScope(ctx, 'write');
      return updateClaim(ctx.prisma, writer.name, id.id, { text: nonNull(input.text), topics: nonNull(input.topics), source: input.source }, reason);
    },
  }),
  deleteClaim: t.field({
    type: 'ID',
    description: 'Deletes a claim and the stances on it (admin).',
    errors: { types: WRITE_ERRORS },
    args: { id: t.arg.globalID({ for: Claim, required: true }), reason: t.arg.string({ description: REASON_DESCRIPTION }) },
    resolve: async (_root, { id, reason }, ctx) => {
      const writer = await requireScope(ctx, 'admin');
      await deleteClaim(ctx.prisma, writer.name, id.id, reason);
      return encodeGlobalId('Claim', id.id);
    },
  }),
}));
