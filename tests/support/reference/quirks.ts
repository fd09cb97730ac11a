import type { ForeignCursor, Origin, PagingQuirks } from './semantics.js';

/**
 * Where today's service departs from its documentation. The reference implements the documented
 * behaviour; each flag makes it follow the service instead, so the differential test is green on
 * today's service and any NEW difference fails it. When the service is fixed, turn the flag off
 * here (and the test then guards the fix). `DIFF_STRICT=1` turns them all off, to see each one.
 */
export interface Quirks extends PagingQuirks {
  /**
   * A cursor whose row is not in the list (see ForeignCursor). Prisma pages some connections in SQL
   * (`cursor` + `skip: 1`, which assumes the cursor row is in the result, so the row next to the
   * cursor's position is silently dropped) and others in memory after the query (it looks the cursor
   * row up in the rows it read, finds nothing, and answers an empty page with `hasNextPage: false`:
   * a client paging through statements stops early when the last one it saw was retracted since).
   * Which one `Source.claims` gets depends on plugin-prisma's plan when the source is read inside a
   * larger query (merged into the parent's query: in memory; a second selection of it with other
   * arguments: its own query, in SQL), so the reference cannot predict it and such queries are not
   * judged in this mode (the test counts them).
   */
  foreignCursor(connection: string, parent: Origin): ForeignCursor;
  /**
   * A filter given as the empty string is ignored, though "a slug that matches nothing gives an empty
   * list": `{ statements(speaker: "") { totalCount } }` counts every statement; same for `onBehalfOf`,
   * `actor`, `claim`, `source` and `claims(topic: "")`.
   */
  emptyFilterIgnored: boolean;
  /**
   * Actor search lower-cases whole strings (JavaScript's `toLocaleLowerCase`) into `searchText`, name and
   * aliases joined by newlines, and matches with a case-SENSITIVE LIKE. So it is not the documented
   * case-insensitive substring of "the name or any alias": a final sigma folds to "ς" only at the end
   * of a word (`actors(search: "ΟΔΟΣ")` misses an actor named "ΟΔΟΣΟ"), "İ" folds to "i̇" (two code
   * points, so `search: "istanbul"` misses "İstanbul"), and a term with a newline matches across the
   * end of the name and the start of an alias. Statement and claim search (ILIKE) fold one character
   * at a time and have none of these.
   */
  actorSearchFoldsWholeStrings: boolean;
  /**
   * The page-size check reads `first`/`last` from the request's variables only: a variable's default
   * value (`query($n: Int = 500) { actors(first: $n) { … } }`) is not checked, and plugin-prisma then
   * silently clamps the page to 100 (the README promises an error, "not a silent clamp").
   */
  pageSizeDefaultsUnchecked: boolean;
  /**
   * Relay `node(id:)`/`nodes(ids:)` return an `AuditEntry` (writer, before and after records) to anyone
   * who has its global ID, while `auditLog` needs the admin scope. Documented: audit entries are admin-only.
   * With the flag on, the reference resolves them as the service does; off, it gives null.
   */
  auditEntriesPublicThroughNode: boolean;
}

/**
 * Connections Prisma pages in SQL. It pages the others in memory: those ordered on a nullable column
 * (statements by date, sources by publication date), the nested ones the service loads itself, and
 * `Source.claims` whenever the source is read inside a larger query (a list, a statement's source).
 */
const PAGED_IN_SQL = new Set(['Query.actors', 'Query.claims']);

export const TODAYS_SERVICE: Quirks = {
  foreignCursor: (connection, parent) => {
    if (connection === 'Source.claims') return parent === 'alone' ? 'drops-a-row' : 'depends-on-the-plan';
    return PAGED_IN_SQL.has(connection) ? 'drops-a-row' : 'empty-page';
  },
  emptyFilterIgnored: true,
  actorSearchFoldsWholeStrings: true,
  pageSizeDefaultsUnchecked: false,
  auditEntriesPublicThroughNode: false,
};

export const DOCUMENTED: Quirks = {
  foreignCursor: () => 'position',
  emptyFilterIgnored: false,
  actorSearchFoldsWholeStrings: false,
  pageSizeDefaultsUnchecked: false,
  auditEntriesPublicThroughNode: false,
};
