import { randomBytes } from 'node:crypto';
import { CHANGE_ACTIONS, type ChangeAction } from '../changes/feed.js';
import { NotFound, ValidationFailure, type Issue } from '../domain/errors.js';
import type { PrismaClient, Webhook } from '../generated/prisma/client.js';
import { changeFeedHead } from '../sql/changes/read.js';
import { audit, write } from '../write/transaction.js';

/**
 * Fired in this process after a webhook is created or resumed, so this instance's worker, idle while there
 * were no active webhooks, starts at once instead of at its next idle poll.
 */
export const webhooksActivated = new EventTarget();
const announceActive = () => webhooksActivated.dispatchEvent(new Event('active'));

export const RECORD_TYPES = ['Actor', 'Affiliation', 'Source', 'Claim', 'Statement', 'Stance'] as const;

export interface WebhookInput {
  name: string;
  url: string;
  secret?: string | null | undefined;
  types?: readonly string[] | null | undefined;
  actions?: readonly ChangeAction[] | null | undefined;
  actors?: readonly string[] | null | undefined;
  claims?: readonly string[] | null | undefined;
  writers?: readonly string[] | null | undefined;
}

const NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;
const MAX_FILTER = 100;

/** What the audit log keeps of a webhook: everything but its secret. */
export const describeWebhook = (webhook: Webhook) => ({
  name: webhook.name,
  url: webhook.url,
  types: webhook.types,
  actions: webhook.actions,
  actors: webhook.actors,
  claims: webhook.claims,
  writers: webhook.writers,
  active: webhook.active,
});

function checkInput(input: WebhookInput): Issue[] {
  const issues: Issue[] = [];
  if (!NAME.test(input.name)) issues.push({ path: ['input', 'name'], message: 'must be lowercase letters, digits and dashes, at most 63' });
  let url: URL | undefined;
  try {
    url = new URL(input.url);
  } catch {
    // reported below
  }
  if (!url || !['http:', 'https:'].includes(url.protocol) || input.url.length > 2_000) {
    issues.push({ path: ['input', 'url'], message: 'must be an http(s) URL of at most 2000 characters' });
  } else if (url.username || url.password) {
    issues.push({ path: ['input', 'url'], message: 'must not carry credentials: the signature authenticates deliveries' });
  }
  if (input.secret != null && (input.secret.length < 16 || input.secret.length > 200)) {
    issues.push({ path: ['input', 'secret'], message: 'must be 16 to 200 characters (leave it out to have one made)' });
  }
  (input.types ?? []).forEach((type, index) => {
    if (!(RECORD_TYPES as readonly string[]).includes(type)) issues.push({ path: ['input', 'types', String(index)], message: `must be one of ${RECORD_TYPES.join(', ')}` });
  });
  for (const key of ['types', 'actions', 'actors', 'claims', 'writers'] as const) {
    if ((input[key]?.length ?? 0) > MAX_FILTER) issues.push({ path: ['input', key], message: `must list at most ${MAX_FILTER}` });
  }
  (input.actions ?? []).forEach((action, index) => {
    if (!(CHANGE_ACTIONS as readonly string[]).includes(action)) issues.push({ path: ['input', 'actions', String(index)], message: `must be one of ${CHANGE_ACTIONS.join(', ')}` });
  });
  return issues;
}

/**
 * Registers a webhook. It receives the changes committed from now on (the feed's head when it is made).
 * The secret is returned here once; when none is given one is made (32 random bytes, hex).
 */
export async function createWebhook(prisma: PrismaClient, writer: string, input: WebhookInput): Promise<{ webhook: Webhook; secret: string }> {
  const issues = checkInput(input);
  if (issues.length > 0) throw new ValidationFailure(issues);
  const secret = input.secret ?? randomBytes(32).toString('hex');
  const webhook = await write(prisma, async (tx) => {
    const head = await changeFeedHead(tx);
    const created = await tx.webhook.create({
      data: {
        name: input.name,
        url: input.url,
        secret,
        types: [...(input.types ?? [])],
        actions: [...(input.actions ?? [])],
        actors: [...(input.actors ?? [])],
        claims: [...(input.claims ?? [])],
        writers: [...(input.writers ?? [])],
        createdBy: writer,
        afterTxid: head.txid,
        afterSeq: head.seq,
      },
    });
    await audit(tx, writer, { action: 'createWebhook', targetType: 'Webhook', targetId: created.id, targetSlug: created.name, after: describeWebhook(created) });
    return created;
  });
  announceActive();
  return { webhook, secret };
}

/** Pauses (false) or resumes (true) deliveries; a resumed webhook goes on from where it stopped, nothing is skipped. */
export async function setWebhookActive(prisma: PrismaClient, writer: string, name: string, active: boolean): Promise<Webhook> {
  const updated = await write(prisma, async (tx) => {
    const before = await tx.webhook.findUnique({ where: { name } });
    if (!before) throw new NotFound('Webhook', name);
    const after = await tx.webhook.update({ where: { id: before.id }, data: { active } });
    await audit(tx, writer, { action: 'setWebhookActive', targetType: 'Webhook', targetId: before.id, targetSlug: name, before: describeWebhook(before), after: describeWebhook(after) });
    return after;
  });
  if (updated.active) announceActive();
  return updated;
}

/** Deletes a webhook and its pending deliveries. */
export async function deleteWebhook(prisma: PrismaClient, writer: string, name: string): Promise<void> {
  await write(prisma, async (tx) => {
    const before = await tx.webhook.findUnique({ where: { name } });
    if (!before) throw new NotFound('Webhook', name);
    await tx.webhook.delete({ where: { id: before.id } });
    await audit(tx, writer, { action: 'deleteWebhook', targetType: 'Webhook', targetId: before.id, targetSlug: name, before: describeWebhook(before) });
  });
}
