/**
 * Names for the read compiler's statements on PostgreSQL (`PrismaPg`'s `statementNameGenerator`), so that
 * node-postgres prepares each distinct statement once per connection and PostgreSQL stops parsing and
 * planning it on every request, as PostGraphile's statements are. A compiled read's text depends only on its
 * plan (the values are parameters), so a handful of texts serve all traffic.
 *
 * Only the compiler's statements are named (each is sent as `compiledReadStatement` wraps it):
 * Prisma's own queries vary in text with their arguments (an `IN` list per length), and a prepared statement
 * stays on its connection until the connection closes. For the same reason at most MAX_NAMED texts are ever
 * named; statements past that run unnamed, as before.
 */
export const MAX_NAMED = 500;

const names = new Map<string, string>();

const OPEN = 'SELECT (';
const CLOSE = ')::text AS j';

/** The statement that sends a compiled read: its JSON as one text column. */
export const compiledReadStatement = (sql: string) => `${OPEN}${sql}${CLOSE}`;

/** The statement's name, or '' (node-postgres then sends it unnamed, parsed and planned each time). */
export function compiledStatementName(query: { sql: string }): string {
  const { sql } = query;
  if (!sql.startsWith(OPEN) || !sql.endsWith(CLOSE)) return '';
  let name = names.get(sql);
  if (name === undefined) {
    if (names.size >= MAX_NAMED) return '';
    names.set(sql, (name = `fact_read_${names.size + 1}`));
  }
  return name;
}

export const namedStatements = () => names.size;
