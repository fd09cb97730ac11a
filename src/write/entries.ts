import { BUNDLE_FORMAT, type BundleActor, type BundleClaim, type BundleSource, type BundleStatement, type FactBundle } from '../bundle/format.js';
import { formatIsoDate } from '../domain/dates.js';
import type { Tx } from './transaction.js';

/** Records as fact-bundle entries: the shape writes go through, and what the audit log keeps. */
const iso = (date: Date | null) => (date ? formatIsoDate(date) : null);

export function bundleOf(parts: Partial<Omit<FactBundle, 'format'>>): FactBundle {
  return { format: BUNDLE_FORMAT, sources: [], actors: [], claims: [], statements: [], ...parts };
}

export async function actorEntry(tx: Tx, where: { id: string } | { slug: string }): Promise<(BundleActor & { id: string }) | null> {
  const actor = await tx.actor.findUnique({
    where,
    include: { affiliations: { include: { organization: { select: { slug: true } } }, orderBy: { id: 'asc' } } },
  });
  if (!actor) return null;
  return {
    id: actor.id,
    slug: actor.slug,
    name: actor.name,
    kind: actor.kind,
    aliases: actor.aliases,
    description: actor.description,
    wikidataId: actor.wikidataId,
    affiliations: actor.affiliations.map((affiliation) => ({
      actor: affiliation.organization.slug,
      role: affiliation.role,
      from: iso(affiliation.from),
      until: iso(affiliation.until),
    })),
  };
}

export async function sourceEntry(tx: Tx, where: { id: string } | { slug: string }): Promise<(BundleSource & { id: string }) | null> {
  const source = await tx.source.findUnique({ where });
  if (!source) return null;
  return { id: source.id, slug: source.slug, title: source.title, url: source.url, publisher: source.publisher, publishedOn: iso(source.publishedOn) };
}

export async function claimEntry(tx: Tx, where: { id: string } | { slug: string }): Promise<(BundleClaim & { id: string }) | null> {
  const claim = await tx.claim.findUnique({ where, include: { source: { select: { slug: true } } } });
  if (!claim) return null;
  return { id: claim.id, slug: claim.slug, text: claim.text, topics: claim.topics, source: claim.source?.slug ?? null };
}

export async function statementEntry(
  tx: Tx,
  where: { id: string } | { slug: string },
): Promise<(BundleStatement & { id: string; retractedAt: Date | null }) | null> {
  const statement = await tx.statement.findUnique({
    where,
    include: {
      speaker: { select: { slug: true } },
      onBehalfOf: { select: { slug: true } },
      source: { select: { slug: true } },
      respondsTo: { select: { slug: true } },
      stances: { include: { claim: { select: { slug: true } } }, orderBy: { id: 'asc' } },
    },
  });
  if (!statement) return null;
  return {
    id: statement.id,
    retractedAt: statement.retractedAt,
    slug: statement.slug,
    speaker: statement.speaker.slug,
    onBehalfOf: statement.onBehalfOf?.slug ?? null,
    text: statement.text,
    kind: statement.kind,
    saidOn: iso(statement.saidOn),
    venue: statement.venue,
    source: statement.source.slug,
    respondsTo: statement.respondsTo && statement.responseKind ? { statement: statement.respondsTo.slug, kind: statement.responseKind } : null,
    stances: statement.stances.map((stance) => ({ claim: stance.claim.slug, position: stance.position })),
  };
}

/** Drops the database id so an entry can go back into a bundle. */
export function withoutId<T extends { id: string }>(entry: T): Omit<T, 'id'> {
  const { id: _id, ...rest } = entry;
  return rest;
}
