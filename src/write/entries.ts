import { actorEntry, claimEntry, slugLookup, sourceEntry, statementEntry } from '../bundle/entries.js';
import type { BundleActor, BundleClaim, BundleSource, BundleStatement } from '../bundle/format.js';
import type { Tx } from './transaction.js';

/** A record's bundle entry, read through Prisma: what the audit log keeps as before and after. */
const slugMap = (rows: ({ id: string; slug: string } | null | undefined)[]) => new Map(rows.flatMap((row) => (row ? [[row.id, row] as const] : [])));

export async function loadActorEntry(tx: Tx, id: string): Promise<BundleActor | null> {
  const actor = await tx.actor.findUnique({ where: { id }, include: { affiliations: { include: { organization: { select: { id: true, slug: true } } } } } });
  if (!actor) return null;
  return actorEntry(actor, actor.affiliations, slugLookup(slugMap(actor.affiliations.map((f) => f.organization)), 'actor'));
}

export async function loadSourceEntry(tx: Tx, id: string): Promise<BundleSource | null> {
  const source = await tx.source.findUnique({ where: { id } });
  return source && sourceEntry(source);
}

export async function loadClaimEntry(tx: Tx, id: string): Promise<BundleClaim | null> {
  const claim = await tx.claim.findUnique({ where: { id }, include: { source: { select: { id: true, slug: true } } } });
  return claim && claimEntry(claim, slugLookup(slugMap([claim.source]), 'source'));
}

export async function loadStatementEntry(tx: Tx, id: string): Promise<BundleStatement | null> {
  const statement = await tx.statement.findUnique({
    where: { id },
    include: {
      speaker: { select: { id: true, slug: true } },
      onBehalfOf: { select: { id: true, slug: true } },
      source: { select: { id: true, slug: true } },
      respondsTo: { select: { id: true, slug: true } },
      stances: { include: { claim: { select: { id: true, slug: true } } }, orderBy: { id: 'asc' } },
    },
  });
  if (!statement) return null;
  return statementEntry(statement, statement.stances, {
    actor: slugLookup(slugMap([statement.speaker, statement.onBehalfOf]), 'actor'),
    source: slugLookup(slugMap([statement.source]), 'source'),
    statement: slugLookup(slugMap([statement.respondsTo]), 'statement'),
    claim: slugLookup(slugMap(statement.stances.map((stance) => stance.claim)), 'claim'),
  });
}
