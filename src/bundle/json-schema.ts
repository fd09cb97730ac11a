import { BUNDLE_FORMAT, bundleJsonSchema } from './format.js';

export const BUNDLE_SCHEMA_ID = 'urn:fact-service:schema:fact-bundle-v1';

type JsonObject = { [key: string]: unknown };

/** YYYY-MM-DD with a real day of the month (leap years included), years 0100 to 9999, as parseIsoDate accepts. */
export const ISO_DATE_PATTERN =
  '^(?!00)(?:\\d{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\\d|30)|02-(?:0[1-9]|1\\d|2[0-8]))' +
  '|(?:\\d{2}(?:0[48]|[2468][048]|[13579][26])|(?:[02468][048]|[13579][26])00)-02-29)$';
const HTTP_URL_PATTERN = '^[Hh][Tt][Tt][Pp][Ss]?://[^\\s/?#]';
const NOT_BLANK_PATTERN = '\\S';
const DATE_FIELDS = ['publishedOn', 'from', 'until', 'saidOn'];

const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * zod cannot express its refinements in JSON Schema; these patterns restate them so that any 2020-12
 * validator, without format assertion, accepts what parseBundle accepts: calendar dates, http(s) URLs,
 * text that is not blank once trimmed.
 */
function restateRefinements(node: unknown, datesSeen: Set<string>): unknown {
  if (Array.isArray(node)) return node.map((item) => restateRefinements(item, datesSeen));
  if (!isObject(node)) return node;
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'properties' && isObject(value)) {
      const properties: JsonObject = {};
      for (const [name, property] of Object.entries(value)) {
        const type = isObject(property) ? property.type : undefined;
        const bareNullableString = isObject(property) && Object.keys(property).length === 1 && Array.isArray(type) && type.join() === 'string,null';
        if (DATE_FIELDS.includes(name) && bareNullableString) {
          datesSeen.add(name);
          properties[name] = { type: ['string', 'null'], format: 'date', pattern: ISO_DATE_PATTERN, description: 'A calendar date as YYYY-MM-DD.' };
        } else {
          properties[name] = restateRefinements(property, datesSeen);
        }
      }
      out[key] = properties;
    } else {
      out[key] = restateRefinements(value, datesSeen);
    }
  }
  if (out.type === 'string' && out.format === 'uri' && out.pattern === undefined) out.pattern = HTTP_URL_PATTERN;
  if (out.type === 'string' && out.minLength === 1 && out.pattern === undefined && out.format === undefined) out.pattern = NOT_BLANK_PATTERN;
  return out;
}

/** The JSON Schema (draft 2020-12) of a fact bundle, as published in schema/fact-bundle.schema.json. */
export function factBundleJsonSchema(): JsonObject {
  const generated: JsonObject = { ...bundleJsonSchema() };
  const { $schema, ...rest } = generated;
  const datesSeen = new Set<string>();
  const body = restateRefinements(rest, datesSeen);
  const missing = DATE_FIELDS.filter((field) => !datesSeen.has(field));
  if (missing.length > 0 || !isObject(body)) {
    throw new Error(`the bundle schema changed shape: no plain date field ${missing.join(', ')}; update src/bundle/json-schema.ts`);
  }
  return {
    $schema,
    $id: BUNDLE_SCHEMA_ID,
    title: `Fact bundle (${BUNDLE_FORMAT})`,
    description:
      'The interchange format of the fact service: sources, actors (with their affiliations), claims, and statements ' +
      '(who said what, in which source, on whose behalf, in answer to which statement, with a stance on which claims). ' +
      'Records refer to each other by slug. This schema checks the shape of a bundle; the importer also checks what ' +
      'a schema cannot: that every slug reference resolves (in the bundle or the database), that slugs are unique ' +
      'per type, that no statement responds to itself or closes a response cycle, and that every quote lies inside ' +
      "its source's text (offsets in UTF-16 code units, end exclusive), a DIRECT_QUOTE being exactly that span.",
    ...body,
  };
}

export const printedBundleSchema = () => `${JSON.stringify(factBundleJsonSchema(), null, 2)}\n`;
