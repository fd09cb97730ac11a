import { z } from 'zod';
import { parseIsoDate } from '../domain/dates.js';
import { topicSlug } from '../domain/topics.js';
import { ActorKind, ResponseKind, StancePosition, StatementKind } from '../generated/prisma/enums.js';

export const BUNDLE_FORMAT = 'fact-bundle/v1';

const slug = z
  .string()
  .min(1)
  .max(120)
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'must be lowercase kebab-case (a-z, 0-9 and single hyphens)');
const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max);
const isoDate = z
  .string()
  .refine((value) => parseIsoDate(value) !== undefined, 'must be a calendar date as YYYY-MM-DD')
  .nullable();
const enumOf = <T extends Record<string, string>>(values: T) =>
  z.enum(Object.values(values) as [T[keyof T], ...T[keyof T][]]);

export const affiliationSchema = z.strictObject({
  actor: slug,
  role: text(200),
  from: isoDate,
  until: isoDate,
});

export const actorSchema = z.strictObject({
  slug,
  name: text(300),
  kind: enumOf(ActorKind),
  aliases: z.array(text(300)).max(100),
  description: text(5_000).nullable(),
  wikidataId: z.string().regex(/^Q[1-9]\d*$/, 'must be a Wikidata item id such as Q159').nullable(),
  affiliations: z.array(affiliationSchema).max(1_000),
});

/** Longest source text kept, in UTF-16 code units. */
export const MAX_SOURCE_TEXT = 1_000_000;

export const sourceSchema = z.strictObject({
  slug,
  title: text(1_000),
  url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).nullable(),
  publisher: text(300).nullable(),
  publishedOn: isoDate,
  /** The full text, kept as given (not trimmed): quotes are offsets into it. Left out: the stored text stays. */
  text: z.string().regex(/\S/, 'must not be blank (use null for no text)').max(MAX_SOURCE_TEXT).nullable().optional(),
});

/** A topic as a person types it ("Varna dam") or as its slug ("varna-dam"): both name the same topic. */
const topic = text(120).refine((label) => topicSlug(label) !== '', 'a topic needs at least one letter or digit');
const topics = z
  .array(topic)
  .max(50)
  .superRefine((labels, context) => {
    const seen = new Map<string, number>();
    labels.forEach((label, index) => {
      const first = seen.get(topicSlug(label));
      if (first === undefined) seen.set(topicSlug(label), index);
      else context.addIssue({ code: 'custom', path: [index], message: `"${label}" is the same topic as topics/${first}` });
    });
  });

export const claimSchema = z.strictObject({
  slug,
  text: text(5_000),
  topics,
  source: slug.nullable(),
});

export const stanceSchema = z.strictObject({
  claim: slug,
  position: enumOf(StancePosition),
});

export const statementSchema = z.strictObject({
  slug,
  speaker: slug,
  onBehalfOf: slug.nullable(),
  text: text(20_000),
  kind: enumOf(StatementKind),
  saidOn: isoDate,
  venue: text(300).nullable(),
  source: slug,
  respondsTo: z.strictObject({ statement: slug, kind: enumOf(ResponseKind) }).nullable(),
  stances: z.array(stanceSchema).max(1_000),
  /**
   * Where the source's text quotes the statement: offsets in UTF-16 code units (as JavaScript counts), end
   * exclusive. Left out: the stored offsets stay.
   */
  quote: z
    .strictObject({ start: z.number().int().min(0), end: z.number().int().min(0) })
    .nullable()
    .optional(),
  /** Present only on a retracted statement. */
  retraction: z
    .strictObject({
      at: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 timestamp' }),
      by: text(300),
      reason: text(2_000),
    })
    .nullable()
    .optional(),
});

export const bundleSchema = z.strictObject({
  format: z.literal(BUNDLE_FORMAT),
  sources: z.array(sourceSchema),
  actors: z.array(actorSchema),
  claims: z.array(claimSchema),
  statements: z.array(statementSchema),
});

export type FactBundle = z.infer<typeof bundleSchema>;
export type BundleActor = z.infer<typeof actorSchema>;
export type BundleSource = z.infer<typeof sourceSchema>;
export type BundleClaim = z.infer<typeof claimSchema>;
export type BundleStatement = z.infer<typeof statementSchema>;

export interface BundleIssue {
  /** JSON Pointer into the bundle, e.g. /statements/3/stances/0/claim */
  path: string;
  message: string;
}

export const pointer = (path: readonly PropertyKey[]) =>
  path.length === 0 ? '' : `/${path.map((part) => String(part).replaceAll('~', '~0').replaceAll('/', '~1')).join('/')}`;

export type ParseResult = { ok: true; bundle: FactBundle } | { ok: false; issues: BundleIssue[] };

export class BundleError extends Error {
  constructor(readonly issues: BundleIssue[]) {
    super(`The bundle is invalid: ${issues.length} problem${issues.length === 1 ? '' : 's'}, first at ${issues[0]?.path || '/'}: ${issues[0]?.message ?? ''}`);
    this.name = 'BundleError';
  }
}

/** Checks the shape of a bundle: fields, types, enums; references are checked on import. */
export function parseBundle(input: unknown): ParseResult {
  const result = bundleSchema.safeParse(input);
  if (result.success) return { ok: true, bundle: result.data };
  return {
    ok: false,
    issues: result.error.issues.map((issue) => ({
      path: issue.code === 'unrecognized_keys' ? pointer([...issue.path, issue.keys[0] ?? '']) : pointer(issue.path),
      message: issue.code === 'unrecognized_keys' ? `unknown field "${issue.keys.join('", "')}"` : issue.message,
    })),
  };
}

function duplicateSlugs(bundle: FactBundle): BundleIssue[] {
  const issues: BundleIssue[] = [];
  for (const type of ['sources', 'actors', 'claims', 'statements'] as const) {
    const seen = new Map<string, number>();
    bundle[type].forEach((record, index) => {
      const first = seen.get(record.slug);
      if (first === undefined) seen.set(record.slug, index);
      else issues.push({ path: `/${type}/${index}/slug`, message: `duplicate slug "${record.slug}", already used at /${type}/${first}` });
    });
  }
  return issues;
}

/** A bundle checked for shape and for slugs used twice; references are checked when it is written. */
export function validBundle(input: unknown): FactBundle {
  const parsed = parseBundle(input);
  if (!parsed.ok) throw new BundleError(parsed.issues);
  const duplicates = duplicateSlugs(parsed.bundle);
  if (duplicates.length > 0) throw new BundleError(duplicates);
  return parsed.bundle;
}

export function emptyBundle(parts: Partial<Omit<FactBundle, 'format'>> = {}): FactBundle {
  return { format: BUNDLE_FORMAT, sources: [], actors: [], claims: [], statements: [], ...parts };
}

export function bundleJsonSchema() {
  return z.toJSONSchema(bundleSchema, { target: 'draft-2020-12' });
}

export type BundleQuote = NonNullable<BundleStatement['quote']>;
