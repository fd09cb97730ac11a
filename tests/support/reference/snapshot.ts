import type {
  Actor,
  Affiliation,
  AuditEntry,
  Claim,
  ClaimStatusChange,
  PrismaClient,
  RatingScale,
  Review,
  Source,
  Stance,
  Statement,
} from '../../../src/generated/prisma/client.js';

/**
 * Every row of every table the read API shows, read through the Prisma client with plain `findMany()`
 * (no filter, no order, no relation): what the reference knows about the database. Ordering, filtering,
 * paging, search and derived values are all decided in JavaScript from these rows, so none of the
 * service's query building is shared with it.
 */
export interface Snapshot {
  actors: Actor[];
  affiliations: Affiliation[];
  sources: Source[];
  statements: Statement[];
  claims: Claim[];
  stances: Stance[];
  auditEntries: AuditEntry[];
  claimStatusChanges: ClaimStatusChange[];
  reviews: Review[];
  ratingScales: RatingScale[];
  reviewById: Map<string, Review>;
  ratingScaleById: Map<string, RatingScale>;
  actorById: Map<string, Actor>;
  actorBySlug: Map<string, Actor>;
  sourceById: Map<string, Source>;
  sourceBySlug: Map<string, Source>;
  statementById: Map<string, Statement>;
  statementBySlug: Map<string, Statement>;
  claimById: Map<string, Claim>;
  claimBySlug: Map<string, Claim>;
  stanceById: Map<string, Stance>;
  affiliationById: Map<string, Affiliation>;
  auditEntryById: Map<string, AuditEntry>;
  claimStatusChangeById: Map<string, ClaimStatusChange>;
}

const index = <Row, Key>(rows: readonly Row[], key: (row: Row) => Key) => new Map(rows.map((row) => [key(row), row]));

export async function loadSnapshot(prisma: PrismaClient): Promise<Snapshot> {
  const [actors, affiliations, sources, statements, claims, stances, auditEntries, reviews, ratingScales, claimStatusChanges] = await Promise.all([
    prisma.actor.findMany(),
    prisma.affiliation.findMany(),
    prisma.source.findMany(),
    prisma.statement.findMany(),
    prisma.claim.findMany(),
    prisma.stance.findMany(),
    prisma.auditEntry.findMany(),
    prisma.review.findMany(),
    prisma.ratingScale.findMany(),
    prisma.claimStatusChange.findMany(),
  ]);
  return {
    actors,
    affiliations,
    sources,
    statements,
    claims,
    stances,
    auditEntries,
    claimStatusChanges,
    reviews,
    ratingScales,
    reviewById: index(reviews, (row) => row.id),
    ratingScaleById: index(ratingScales, (row) => row.id),
    actorById: index(actors, (row) => row.id),
    actorBySlug: index(actors, (row) => row.slug),
    sourceById: index(sources, (row) => row.id),
    sourceBySlug: index(sources, (row) => row.slug),
    statementById: index(statements, (row) => row.id),
    statementBySlug: index(statements, (row) => row.slug),
    claimById: index(claims, (row) => row.id),
    claimBySlug: index(claims, (row) => row.slug),
    stanceById: index(stances, (row) => row.id),
    affiliationById: index(affiliations, (row) => row.id),
    auditEntryById: index(auditEntries, (row) => row.id),
    claimStatusChangeById: index(claimStatusChanges, (row) => row.id),
  };
}
