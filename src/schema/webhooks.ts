import { builder } from '../builder.js';
import { requireScope } from '../context.js';
import { badInput } from '../graphql/errors.js';
import type { Webhook, WebhookDelivery } from '../generated/prisma/client.js';
import { createWebhook, deleteWebhook, setWebhookActive } from '../webhooks/registry.js';
import { ChangeActionEnum } from './changes.js';
import { WRITE_ERRORS } from './errors.js';

const DeliveryStatusEnum = builder.enumType('WebhookDeliveryStatus', {
  values: { PENDING: { description: 'Not delivered yet; tried again at `nextAttemptAt`.' }, DELIVERED: {}, FAILED: { description: 'Given up after the last attempt.' } },
});

const DeliveryRef = builder.objectRef<WebhookDelivery>('WebhookDelivery').implement({
  description: 'One change to deliver to one webhook.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'Sent as `X-Fact-Delivery`: the same on every attempt, so a receiver can drop repeats.' }),
    status: t.field({ type: DeliveryStatusEnum, resolve: (row) => row.status }),
    attempts: t.exposeInt('attempts'),
    nextAttemptAt: t.expose('nextAttemptAt', { type: 'DateTime' }),
    lastStatus: t.exposeInt('lastStatus', { nullable: true, description: 'The HTTP status of the last attempt; null when there was no answer.' }),
    lastError: t.exposeString('lastError', { nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    deliveredAt: t.expose('deliveredAt', { type: 'DateTime', nullable: true }),
    event: t.expose('event', { type: 'JSON', description: 'The change, as the receiver gets it.' }),
  }),
});

const WebhookRef = builder.objectRef<Webhook>('Webhook').implement({
  description: 'A URL that receives the changes matching its filters, signed with its secret (admin).',
  fields: (t) => ({
    name: t.exposeString('name'),
    url: t.exposeString('url'),
    types: t.exposeStringList('types', { description: 'Record types; empty: all.' }),
    actions: t.field({ type: [ChangeActionEnum], description: 'Empty: all.', resolve: (row) => row.actions as (typeof ChangeActionEnum.$inferType)[] }),
    actors: t.exposeStringList('actors', { description: 'Actor slugs a change must concern; empty: any.' }),
    claims: t.exposeStringList('claims', { description: 'Claim slugs a change must concern; empty: any.' }),
    writers: t.exposeStringList('writers', { description: 'Token names that made the change; empty: any.' }),
    active: t.exposeBoolean('active'),
    createdBy: t.exposeString('createdBy'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    lastStatus: t.exposeInt('lastStatus', { nullable: true, description: 'HTTP status of the last attempt (null: no answer, or none yet).' }),
    lastError: t.exposeString('lastError', { nullable: true }),
    lastAttemptAt: t.expose('lastAttemptAt', { type: 'DateTime', nullable: true }),
    lastSuccessAt: t.expose('lastSuccessAt', { type: 'DateTime', nullable: true }),
    consecutiveFailures: t.exposeInt('consecutiveFailures'),
    pending: t.int({ description: 'Deliveries not made yet.', resolve: (row, _args, ctx) => ctx.prisma.webhookDelivery.count({ where: { webhookId: row.id, status: 'PENDING' } }) }),
    deliveries: t.field({
      type: [DeliveryRef],
      description: 'Its deliveries, newest first.',
      args: { status: t.arg({ type: DeliveryStatusEnum }), first: t.arg.int({ defaultValue: 20, description: 'At most 100.' }) },
      resolve: (row, args, ctx) => {
        const first = args.first ?? 20;
        if (first < 1 || first > 100) throw badInput(`first must be from 1 to 100, got ${first}`, { argument: 'first' });
        return ctx.prisma.webhookDelivery.findMany({
          where: { webhookId: row.id, ...(args.status ? { status: args.status } : {}) },
          orderBy: [{ auditSeq: 'desc' }],
          take: first,
        });
      },
    }),
  }),
});

const WebhookCreated = builder.objectRef<{ webhook: Webhook; secret: string }>('WebhookCreated').implement({
  fields: (t) => ({
    webhook: t.field({ type: WebhookRef, resolve: (result) => result.webhook }),
    secret: t.exposeString('secret', { description: 'Shown this once: the key of every delivery’s X-Fact-Signature.' }),
  }),
});

const CreateWebhookInput = builder.inputType('CreateWebhookInput', {
  fields: (t) => ({
    name: t.string({ required: true, description: 'Lowercase kebab-case, unique.' }),
    url: t.string({ required: true }),
    secret: t.string({ description: '16 to 200 characters; left out, one is made and returned once.' }),
    types: t.stringList({ description: 'Actor, Affiliation, Source, Claim, Statement, Stance; empty or left out: all.' }),
    actions: t.field({ type: [ChangeActionEnum] }),
    actors: t.stringList({ description: 'Actor slugs.' }),
    claims: t.stringList({ description: 'Claim slugs.' }),
    writers: t.stringList({ description: 'Token names.' }),
  }),
});

builder.queryFields((t) => ({
  webhooks: t.field({
    type: [WebhookRef],
    description: 'The registered webhooks with their last status and failures (admin).',
    resolve: async (_root, _args, ctx) => {
      await requireScope(ctx, 'admin');
      return ctx.prisma.webhook.findMany({ orderBy: { name: 'asc' } });
    },
  }),
}));

builder.mutationFields((t) => ({
  createWebhook: t.field({
    type: WebhookCreated,
    description: 'Registers a webhook (admin): each change committed from now on that matches every non-empty filter is POSTed to `url`.',
    errors: { types: WRITE_ERRORS },
    args: { input: t.arg({ type: CreateWebhookInput, required: true }) },
    resolve: async (_root, { input }, ctx) => {
      const writer = await requireScope(ctx, 'admin');
      return createWebhook(ctx.prisma, writer.name, input);
    },
  }),
  setWebhookActive: t.field({
    type: WebhookRef,
    description: 'Pauses or resumes a webhook (admin). Changes made meanwhile are delivered on resuming.',
    errors: { types: WRITE_ERRORS },
    args: { name: t.arg.string({ required: true }), active: t.arg.boolean({ required: true }) },
    resolve: async (_root, { name, active }, ctx) => {
      const writer = await requireScope(ctx, 'admin');
      return setWebhookActive(ctx.prisma, writer.name, name, active);
    },
  }),
  deleteWebhook: t.field({
    type: 'String',
    description: 'Deletes a webhook and its pending deliveries (admin). Returns its name.',
    errors: { types: WRITE_ERRORS },
    args: { name: t.arg.string({ required: true }) },
    resolve: async (_root, { name }, ctx) => {
      const writer = await requireScope(ctx, 'admin');
      await deleteWebhook(ctx.prisma, writer.name, name);
      return name;
    },
  }),
}));
