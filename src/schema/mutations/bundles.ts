import { builder } from '../../builder.js';
import { requireScope } from '../../context.js';
import { publishPositionChanges } from '../../events.js';
import { exportBundle, SelectionError } from '../../bundle/export.js';
import { BundleError, type ImportCounts, type ImportReport, importBundle } from '../../bundle/import.js';
import type { ImportWarning } from '../../write/apply.js';
import { claimsAsJsonLd } from '../../bundle/jsonld.js';
import { NotFound, ValidationFailure } from '../../domain/errors.js';
import { WRITE_ERRORS } from '../errors.js';

const ImportCountsRef = builder.objectRef<ImportCounts>('ImportCounts').implement({
  description: 'What an import did to one type of record.',
  fields: (t) => ({
    created: t.exposeInt('created'),
    updated: t.exposeInt('updated'),
    unchanged: t.exposeInt('unchanged'),
    deleted: t.exposeInt('deleted', { description: 'Affiliations or stances no longer listed on their actor or statement.' }),
  }),
});

const ImportWarningRef = builder.objectRef<ImportWarning>('ImportWarning').implement({
  description: 'Something an editor should look at that did not stop the import.',
  fields: (t) => ({
    path: t.exposeString('path', { description: 'JSON pointer into the bundle, e.g. /claims/3.' }),
    message: t.exposeString('message'),
    similar: t.exposeString('similar', { nullable: true, description: 'Slug of the stored claim the new one is worded like.' }),
    score: t.exposeFloat('score', { nullable: true, description: 'Trigram similarity, 0..1.' }),
  }),
});

const ImportReportRef = builder.objectRef<ImportReport>('ImportReport').implement({
  fields: (t) => ({
    dryRun: t.exposeBoolean('dryRun', { description: 'True when nothing was written: the counts say what would have happened.' }),
    sources: t.field({ type: ImportCountsRef, resolve: (report) => report.sources }),
    actors: t.field({ type: ImportCountsRef, resolve: (report) => report.actors }),
    affiliations: t.field({ type: ImportCountsRef, resolve: (report) => report.affiliations }),
    claims: t.field({ type: ImportCountsRef, resolve: (report) => report.claims }),
    statements: t.field({ type: ImportCountsRef, resolve: (report) => report.statements }),
    stances: t.field({ type: ImportCountsRef, resolve: (report) => report.stances }),
    warnings: t.field({
      type: [ImportWarningRef],
      description: 'New claims worded like stored ones (trigram similarity at least 0.5): imported as they are, never merged.',
      resolve: (report) => report.warnings ?? [],
    }),
  }),
});

const selectionArgs = (t: Parameters<Parameters<typeof builder.queryFields>[0]>[0]) => ({
  actors: t.arg.stringList({ description: 'Slugs: the subgraph around these actors.' }),
  sources: t.arg.stringList({ description: 'Slugs: the subgraph around these sources.' }),
  claims: t.arg.stringList({ description: 'Slugs: the statements taking a stance on these claims, and what they reference.' }),
});

function selectionError(error: unknown): never {
  if (error instanceof SelectionError) throw new NotFound(error.missing[0]?.type ?? 'record', error.missing.map((entry) => entry.slug).join(', '));
  throw error;
}

builder.mutationFields((t) => ({
  importBundle: t.field({
    type: ImportReportRef,
    description:
      'Imports a fact bundle (format `fact-bundle/v1`, see schema/fact-bundle.schema.json) in one transaction: all or nothing, matched by slug, idempotent. `dryRun` reports what would change and writes nothing.',
    errors: { types: WRITE_ERRORS },
    args: { bundle: t.arg({ type: 'JSON', required: true }), dryRun: t.arg.boolean({ defaultValue: false }) },
    resolve: async (_root, { bundle, dryRun }, ctx) => {
      const writer = await requireScope(ctx, 'write');
      try {
        return await importBundle(ctx.prisma, bundle, {
          dryRun: dryRun ?? false,
          writer: writer.name,
          // After commit, as recordStatement does: subscribers hear of every statement the bundle created.
          onCommitted: (created, positionChanges) => {
            for (const statement of created) ctx.events.publish('statementRecorded', { statementId: statement.id, speakerSlug: statement.speakerSlug, claimSlugs: statement.claimSlugs });
            publishPositionChanges(ctx.events, positionChanges);
          },
        });
      } catch (error) {
        if (error instanceof BundleError) {
          throw new ValidationFailure(error.issues.map((issue) => ({ path: ['bundle', ...issue.path.split('/').slice(1)], message: `${issue.path}: ${issue.message}` })));
        }
        throw error;
      }
    },
  }),
}));

builder.queryFields((t) => ({
  exportBundle: t.field({
    type: 'JSON',
    description: 'The database, or the subgraph around the given actors, sources or claims, as a fact bundle that imports cleanly.',
    errors: { types: [NotFound] },
    args: selectionArgs(t),
    resolve: (_root, args, ctx) =>
      exportBundle(ctx.prisma, { actors: args.actors ?? [], sources: args.sources ?? [], claims: args.claims ?? [] }).catch(selectionError),
  }),
  claimsJsonLd: t.field({
    type: 'JSON',
    description: 'Claims as schema.org `Claim` and `ClaimReview` JSON-LD, for fact-checking tools. The review rating is our derived status, not an editorial verdict.',
    errors: { types: [NotFound] },
    args: selectionArgs(t),
    resolve: (_root, args, ctx) =>
      claimsAsJsonLd(ctx.prisma, { actors: args.actors ?? [], sources: args.sources ?? [], claims: args.claims ?? [] }).catch(selectionError),
  }),
}));
