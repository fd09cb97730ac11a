import { createHmac } from 'node:crypto';
import { encodeGlobalId } from '../builder.js';
import { type Change, changesAfter, decodeCursor } from '../changes/feed.js';
import type { Prisma, PrismaClient, Webhook } from '../generated/prisma/client.js';
import type { Logger } from '../logger.js';
import { type ClaimedDelivery, claimDueDeliveries, tryLockWebhookFanOut } from '../sql/webhooks/deliveries.js';
import { transact } from '../write/transaction.js';
import { webhooksActivated } from './registry.js';

export const SIGNATURE_HEADER = 'x-fact-signature';
export const DELIVERY_HEADER = 'x-fact-delivery';
export const EVENT_HEADER = 'x-fact-event';

export interface WebhookSettings {
  /** How often an instance looks for new changes and due deliveries while some webhook is active. */
  pollMs: number;
  /**
   * How often it looks for an active webhook while there is none, so an idle service does not query its
   * database every second. A webhook created or resumed through this instance wakes it at once; one made
   * through another instance is picked up within this time (its deliveries start from its creation either way).
   */
  idlePollMs: number;
  /** A delivery that has not answered by then has failed. */
  timeoutMs: number;
  /** After this many failed attempts a delivery is given up (FAILED). */
  maxAttempts: number;
  /** The wait after the first failure; it doubles after each (with jitter), up to backoffCapMs. */
  backoffBaseMs: number;
  backoffCapMs: number;
}

export const DEFAULT_WEBHOOK_SETTINGS: WebhookSettings = { pollMs: 1_000, idlePollMs: 30_000, timeoutMs: 10_000, maxAttempts: 10, backoffBaseMs: 5_000, backoffCapMs: 3_600_000 };

const NODE_TYPES = new Set(['Actor', 'Affiliation', 'Source', 'Statement', 'Claim']);
const FAN_OUT_PAGE = 200;
const FAN_OUT_PAGES_PER_ROUND = 10;
const DELIVERY_BATCH = 20;

/** What a receiver gets: the change, in the JSON the API uses (global IDs, ISO times). */
export function changeEvent(change: Change) {
  return {
    cursor: change.cursor,
    at: change.at.toISOString(),
    type: change.type,
    action: change.action,
    mutation: change.mutation,
    id: change.recordId && NODE_TYPES.has(change.type) ? encodeGlobalId(change.type, change.recordId) : null,
    slug: change.slug,
    actors: change.actors,
    claims: change.claims,
    writer: change.writer,
    before: change.before,
    after: change.after,
  };
}

const overlaps = (filter: readonly string[], values: readonly string[]) => filter.length === 0 || values.some((value) => filter.includes(value));

/** An empty filter list matches everything; the lists combine with AND. */
export function matchesWebhook(webhook: Pick<Webhook, 'types' | 'actions' | 'actors' | 'claims' | 'writers'>, change: Change): boolean {
  return (
    overlaps(webhook.types, [change.type]) &&
    overlaps(webhook.actions, [change.action]) &&
    overlaps(webhook.writers, [change.writer]) &&
    overlaps(webhook.actors, change.actors) &&
    overlaps(webhook.claims, change.claims)
  );
}

/**
 * `X-Fact-Signature: t=<unix seconds>,v1=<hex>`: HMAC-SHA256 with the webhook's secret over
 * `<t>.<raw body>`. Receivers recompute it over the bytes they received and compare in constant time,
 * and refuse a `t` too far from their clock (a replayed delivery).
 */
export function signDelivery(secret: string, body: string, timestamp: number): string {
  const digest = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
  return `t=${timestamp},v1=${digest}`;
}

export function backoffMs(settings: WebhookSettings, attempt: number, random = Math.random()): number {
  const full = Math.min(settings.backoffCapMs, settings.backoffBaseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(full / 2 + (random * full) / 2);
}

export interface WebhookWorker {
  /** One round: match new changes to webhooks, then make the deliveries that are due. */
  tick(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Every instance runs one. Fan-out (matching the change feed against each webhook) is idempotent and
 * guarded by a lock per webhook; deliveries are claimed with a lease (FOR UPDATE SKIP LOCKED), so each is
 * made by exactly one instance, and all of it lives in the database: a restart loses nothing.
 */
export function startWebhookWorker(options: {
  prisma: PrismaClient;
  logger: Logger;
  settings?: Partial<WebhookSettings>;
  fetch?: typeof fetch;
}): WebhookWorker {
  const { prisma, logger } = options;
  const settings = { ...DEFAULT_WEBHOOK_SETTINGS, ...options.settings };
  const send = options.fetch ?? fetch;
  const leaseMs = settings.timeoutMs * 2 + 5_000;
  let closed = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  /** No active webhook at the last round: wait idlePollMs, not pollMs. The first round comes after pollMs. */
  let idle = false;
  let woken = false;

  async function fanOut(webhookId: string): Promise<void> {
    for (let round = 0; round < FAN_OUT_PAGES_PER_ROUND; round++) {
      const more = await transact(prisma, async (tx) => {
        if (!(await tryLockWebhookFanOut(tx, webhookId))) return false;
        const webhook = await tx.webhook.findUnique({ where: { id: webhookId } });
        if (!webhook?.active) return false;
        const page = await changesAfter(tx, { txid: webhook.afterTxid, seq: webhook.afterSeq }, FAN_OUT_PAGE);
        if (page.changes.length === 0) return false;
        const matching = page.changes.filter((change) => matchesWebhook(webhook, change));
        if (matching.length > 0) {
          await tx.webhookDelivery.createMany({
            data: matching.map((change) => ({ webhookId, auditSeq: change.seq, event: changeEvent(change) as Prisma.InputJsonObject })),
            skipDuplicates: true,
          });
        }
        const position = decodeCursor(page.cursor);
        if (position) await tx.webhook.update({ where: { id: webhookId }, data: { afterTxid: position.txid, afterSeq: position.seq } });
        return page.hasMore;
      });
      if (!more) return;
    }
  }

  async function post(webhook: Webhook, delivery: ClaimedDelivery): Promise<{ ok: boolean; status: number | null; error: string | null }> {
    const body = JSON.stringify({ webhook: webhook.name, delivery: delivery.id, attempt: delivery.attempts, change: delivery.event });
    const event = delivery.event as { type?: string; action?: string };
    try {
      const response = await send(webhook.url, {
        method: 'POST',
        redirect: 'manual',
        signal: AbortSignal.timeout(settings.timeoutMs),
        headers: {
          'content-type': 'application/json',
          'user-agent': 'fact-service-webhooks',
          [SIGNATURE_HEADER]: signDelivery(webhook.secret, body, Math.floor(Date.now() / 1000)),
          [DELIVERY_HEADER]: delivery.id,
          [EVENT_HEADER]: `${event.type ?? 'Record'}.${event.action ?? 'CHANGED'}`,
        },
        body,
      });
      await response.body?.cancel().catch(() => undefined);
      if (response.status >= 200 && response.status < 300) return { ok: true, status: response.status, error: null };
      return { ok: false, status: response.status, error: `answered HTTP ${response.status}` };
    } catch (error) {
      const name = error instanceof Error ? error.name : '';
      if (name === 'TimeoutError' || name === 'AbortError') return { ok: false, status: null, error: `no answer within ${settings.timeoutMs} ms` };
      const cause = error instanceof Error && error.cause instanceof Error ? error.cause : undefined;
      const code = (cause as { code?: unknown } | undefined)?.code;
      return { ok: false, status: null, error: `could not connect${typeof code === 'string' ? ` (${code})` : ''}` };
    }
  }

  async function deliver(webhook: Webhook, delivery: ClaimedDelivery): Promise<void> {
    const result = await post(webhook, delivery);
    const now = new Date();
    // Still ours only if no other instance claimed it since (its lease ran out): a claim counts an attempt.
    const mine = { id: delivery.id, attempts: delivery.attempts, status: 'PENDING' as const };
    const givenUp = !result.ok && delivery.attempts >= settings.maxAttempts;
    // The delivery's outcome and the webhook's status change together: a reader never sees a delivery marked
    // DELIVERED or FAILED beside a webhook status that does not count it yet, and a delivery another instance
    // has claimed since is left to that instance, so an attempt is never counted twice.
    const recorded = await transact(prisma, async (tx) => {
      const updated = await tx.webhookDelivery.updateMany({
        where: mine,
        data: result.ok
          ? { status: 'DELIVERED', deliveredAt: now, lastStatus: result.status, lastError: null, leasedUntil: null }
          : {
              status: givenUp ? 'FAILED' : 'PENDING',
              lastStatus: result.status,
              lastError: result.error,
              leasedUntil: null,
              nextAttemptAt: new Date(now.getTime() + (givenUp ? 0 : backoffMs(settings, delivery.attempts))),
            },
      });
      if (updated.count === 0) return false;
      await tx.webhook.updateMany({
        where: { id: webhook.id },
        data: result.ok
          ? { lastStatus: result.status, lastError: null, lastAttemptAt: now, lastSuccessAt: now, consecutiveFailures: 0 }
          : { lastStatus: result.status, lastError: result.error, lastAttemptAt: now, consecutiveFailures: { increment: 1 } },
      });
      return true;
    });
    if (!recorded) {
      logger.info({ webhook: webhook.name, delivery: delivery.id, attempt: delivery.attempts }, 'webhook delivery claimed by another instance meanwhile; its outcome is that instance’s to record');
      return;
    }
    if (result.ok) return;
    const fields = { webhook: webhook.name, delivery: delivery.id, attempt: delivery.attempts, status: result.status, error: result.error };
    if (givenUp) logger.warn(fields, 'webhook delivery given up');
    else logger.info(fields, 'webhook delivery failed; will retry');
  }

  async function deliverDue(): Promise<void> {
    for (;;) {
      const claimed = await claimDueDeliveries(prisma, DELIVERY_BATCH, leaseMs);
      if (claimed.length === 0) return;
      const webhooks = new Map((await prisma.webhook.findMany({ where: { id: { in: [...new Set(claimed.map((row) => row.webhookId))] } } })).map((row) => [row.id, row]));
      const byWebhook = new Map<string, ClaimedDelivery[]>();
      for (const delivery of claimed.sort((a, b) => (a.auditSeq < b.auditSeq ? -1 : 1))) {
        byWebhook.set(delivery.webhookId, [...(byWebhook.get(delivery.webhookId) ?? []), delivery]);
      }
      // Webhooks in parallel; one webhook's deliveries in feed order.
      await Promise.all(
        [...byWebhook].map(async ([webhookId, deliveries]) => {
          const webhook = webhooks.get(webhookId);
          if (!webhook) return;
          for (const delivery of deliveries) await deliver(webhook, delivery);
        }),
      );
      if (claimed.length < DELIVERY_BATCH || closed) return;
    }
  }

  async function tick(): Promise<void> {
    const active = await prisma.webhook.findMany({ where: { active: true }, select: { id: true }, orderBy: { id: 'asc' } });
    idle = active.length === 0;
    if (idle) return;
    for (const { id } of active) await fanOut(id);
    await deliverDue();
  }

  const guardedTick = () => {
    running = running.then(tick).catch((error: unknown) => {
      if (!closed) logger.warn({ err: error }, 'webhook round failed; trying again next round');
    });
    return running;
  };

  const schedule = () => {
    if (closed) return;
    const delay = idle && !woken ? settings.idlePollMs : settings.pollMs;
    woken = false;
    timer = setTimeout(() => {
      timer = undefined;
      void guardedTick().then(schedule);
    }, delay);
    timer.unref();
  };
  const wake = () => {
    if (closed) return;
    if (timer === undefined) {
      // A round is running: the next one comes after the busy interval.
      woken = true;
      return;
    }
    clearTimeout(timer);
    timer = undefined;
    void guardedTick().then(schedule);
  };
  webhooksActivated.addEventListener('active', wake);
  schedule();

  return {
    tick: guardedTick,
    async close() {
      closed = true;
      webhooksActivated.removeEventListener('active', wake);
      clearTimeout(timer);
      await running;
    },
  };
}
