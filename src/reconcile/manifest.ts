import { LIMITS } from './query.js';
import { TYPES, VERSIONS } from './model.js';

export const PREVIEW_SIZE = { width: 430, height: 170 } as const;

export const RECONCILE_PATHS = {
  endpoint: '/reconcile',
  entity: '/reconcile/entity/',
  schema: '/reconcile/schema',
  preview: '/reconcile/preview',
  suggestEntity: '/reconcile/suggest/entity',
  suggestProperty: '/reconcile/suggest/property',
  suggestType: '/reconcile/suggest/type',
  properties: '/reconcile/properties',
} as const;

/** The service manifest. `base` is the origin the client reached us at, so every URL in it works from there. */
export function manifest(base: string, options: { privateReads: boolean }) {
  return {
    versions: [...VERSIONS],
    name: 'Fact service: actors and claims',
    identifierSpace: `${base}${RECONCILE_PATHS.entity}`,
    schemaSpace: `${base}${RECONCILE_PATHS.schema}`,
    defaultTypes: TYPES.map(({ id, name }) => ({ id, name })),
    view: { url: `${base}${RECONCILE_PATHS.entity}{{id}}` },
    preview: { url: `${base}${RECONCILE_PATHS.preview}?id={{id}}`, ...PREVIEW_SIZE },
    suggest: {
      entity: { service_url: base, service_path: RECONCILE_PATHS.suggestEntity },
      property: { service_url: base, service_path: RECONCILE_PATHS.suggestProperty },
      type: { service_url: base, service_path: RECONCILE_PATHS.suggestType },
    },
    extend: {
      propose_properties: { service_url: base, service_path: RECONCILE_PATHS.properties },
      property_settings: [],
    },
    batchSize: LIMITS.batchSize,
    ...(options.privateReads
      ? {
          authentication: {
            type: 'apiKey',
            name: 'Authorization',
            in: 'header',
            description: 'Bearer <token>, for a token with the read scope (npm run token -- create --scope read)',
          },
        }
      : {}),
  };
}
