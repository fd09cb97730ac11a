export { draftBundleSchema, formatHasQuotes, knownActorsFromBundle, type SourceInfo, sourceSlug, toBundle } from './bundle.js';
export { markDuplicates, type StoredStatement } from './duplicates.js';
export { extract } from './engine.js';
export { type QualityReport, qualityTable, score } from './quality.js';
export type * from './types.js';
export { IngestInputError, MAX_TEXT_BYTES, validateInput } from './validate.js';
