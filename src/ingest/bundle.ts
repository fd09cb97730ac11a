import { createHash } from 'node:crypto';
import { z } from 'zod';
import { actorSchema, BUNDLE_FORMAT, claimSchema, sourceSchema, statementSchema } from '../bundle/format.js';
import { slugify } from './names.js';
import type { ClaimDraft, Extraction, KnownActor, Span, StatementDraft } from './types.js';

const span = z.strictObject({ start: z.number().int().min(0), end: z.number().int().min(0) }).refine((value) => value.end > value.start, 'end must come after start');

/**
 * `fact-bundle/v1` as this engine writes it: sources carry their `text`, statements their `quote` offsets (UTF-16 code
 * units), as the write path defines them (`sources[].text: string | null`, `statements[].quote: { start, end } | null`).
 * The importer checks the same document against the shared format; this schema is what the engine promises.
 */
export const draftBundleSchema = z.strictObject({
  format: z.literal(BUNDLE_FORMAT),
  sources: z.array(sourceSchema.extend({ text: z.string().nullable() })),
  actors: z.array(actorSchema),
  claims: z.array(claimSchema),
  statements: z.array(statementSchema.extend({ quote: span.nullable() })),
});

export type DraftBundle = z.infer<typeof draftBundleSchema>;

/** True once the shared format (and so the importer) accepts `Source.text` and `Statement.quote`. */
export const formatHasQuotes = 'text' in sourceSchema.shape && 'quote' in statementSchema.shape;

export interface SourceInfo {
  slug?: string | undefined;
  title: string;
  publisher?: string | null | undefined;
  url?: string | null | undefined;
  publishedOn?: string | null | undefined;
}

/** The actor a statement gets when the engine found no speaker: a reviewer replaces it before importing. */
export const UNATTRIBUTED = {
  slug: 'unattributed',
  name: 'Unattributed',
  kind: 'GROUP' as const,
  aliases: [],
  description: 'Placeholder for quotes the extractor could not attribute: set the real speaker before importing.',
  wikidataId: null,
  affiliations: [],
};

const shortHash = (value: string) => createHash('sha256').update(value).digest('hex').slice(0, 6);

function words(text: string, count: number): string {
  return slugify(text.split(/\s+/u).slice(0, count).join(' ')).slice(0, 50).replace(/-+$/, '');
}

export function sourceSlug(title: string): string {
  return `article-${slugify(title).slice(0, 80).replace(/-+$/, '') || 'untitled'}`;
}

export function knownActorsFromBundle(bundle: { actors: { slug: string; name: string; kind: KnownActor['kind']; aliases: string[]; wikidataId: string | null; affiliations: { actor: string; role: string }[] }[] }): KnownActor[] {
  return bundle.actors.map((actor) => ({
    slug: actor.slug,
    name: actor.name,
    kind: actor.kind,
    aliases: actor.aliases,
    wikidataId: actor.wikidataId,
    affiliations: actor.affiliations.map((affiliation) => ({ organization: affiliation.actor, role: affiliation.role })),
  }));
}

/**
 * The drafts as a bundle a reviewer can edit and import: new actors, the source with its text, one statement per
 * statement draft (with its quote offsets when its text is one slice of the source), and the numeric claims with the
 * statements' stances on them. Slugs are derived from the text and the source, so the same article gives the same
 * bundle.
 */
export function toBundle(text: string, extraction: Extraction, source: SourceInfo): DraftBundle {
  const slug = source.slug ?? sourceSlug(source.title);
  const statements = extraction.drafts.filter((draft): draft is StatementDraft => draft.type === 'statement');
  const claimDrafts = extraction.drafts.filter((draft): draft is ClaimDraft => draft.type === 'claim');

  const claimSlugs = new Map<string, string>();
  const claims: DraftBundle['claims'] = [];
  const claimSlugByText = new Map<string, string>();
  for (const claim of claimDrafts) {
    const existing = claimSlugByText.get(claim.text);
    if (existing) {
      claimSlugs.set(claim.id, existing);
      continue;
    }
    const claimSlug = `claim-${words(claim.text, 6)}-${shortHash(`${slug}:${claim.span.start}`)}`;
    claimSlugByText.set(claim.text, claimSlug);
    claimSlugs.set(claim.id, claimSlug);
    claims.push({ slug: claimSlug, text: claim.text, topics: [], source: claim.statement === null ? slug : null });
  }

  const used = new Set<string>();
  const bundleStatements: DraftBundle['statements'] = statements.map((draft) => {
    const speaker = draft.speaker?.slug ?? UNATTRIBUTED.slug;
    let statementSlug = `${speaker.slice(0, 50)}-${words(draft.text, 5)}-${shortHash(`${slug}:${draft.id}`)}`.replace(/-+/g, '-');
    while (used.has(statementSlug)) statementSlug = `${statementSlug}-x`;
    used.add(statementSlug);
    const stanceSlugs = [...new Set(draft.claims.map((id) => claimSlugs.get(id)).filter((value): value is string => value !== undefined))];
    const quote: Span | null = draft.quote && text.slice(draft.quote.start, draft.quote.end) === draft.text ? draft.quote : null;
    return {
      slug: statementSlug,
      speaker,
      onBehalfOf: draft.onBehalfOf && draft.onBehalfOf.slug !== speaker ? draft.onBehalfOf.slug : null,
      text: draft.text,
      kind: draft.kind,
      saidOn: draft.saidOn,
      venue: draft.venue,
      source: slug,
      respondsTo: null,
      stances: stanceSlugs.map((claim) => ({ claim, position: 'ASSERTS' as const })),
      quote,
    };
  });

  const actors: DraftBundle['actors'] = extraction.newActors.map((actor) => ({
    slug: actor.slug,
    name: actor.name,
    kind: actor.kind,
    aliases: [...new Set(actor.aliases.filter((alias) => alias !== actor.name))],
    description: `Proposed by ingest (${actor.kindReason}).`,
    wikidataId: null,
    affiliations: actor.affiliations.map((affiliation) => ({ actor: affiliation.organization, role: affiliation.role, from: null, until: null })),
  }));
  if (statements.some((draft) => draft.speaker === null)) actors.push({ ...UNATTRIBUTED });

  return {
    format: BUNDLE_FORMAT,
    sources: [{ slug, title: source.title, url: source.url ?? null, publisher: source.publisher ?? null, publishedOn: source.publishedOn ?? null, text }],
    actors,
    claims,
    statements: bundleStatements,
  };
}
