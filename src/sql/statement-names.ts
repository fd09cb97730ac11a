/**
 * Names for statements on PostgreSQL (`PrismaPg`'s `statementNameGenerator`), so that node-postgres prepares
 * each once per connection and PostgreSQL stops parsing it, and after five runs may stop planning it, on
 * every request, as PostGraphile's statements are. Two kinds are named:
 *
 * - the read compiler's statements (each sent as `compiledReadStatement` wraps it). A compiled read's text
 *   depends only on its plan (the values are parameters), so a handful of texts serve all traffic;
 * - the write fast paths' statements of fixed text (`namedStatement`): recordStatement's and setStance's,
 *   whose parsing and planning cost PostgreSQL more than running them.
 *
 * Prisma's own queries are never named: they vary in text with their arguments (an `IN` list per length), and
 * a prepared statement stays on its connection until the connection closes. For the same reason at most
 * MAX_NAMED compiled texts are ever named; statements past that run unnamed, as before.
 */
export const MAX_NAMED = 500;

const names = new Map<string, string>();

const OPEN = 'SELECT (';
const CLOSE = ')::text AS j';

/** The statement that sends a compiled read: its JSON as one text column. */
export const compiledReadStatement = (sql: string) => `${OPEN}${sql}${CLOSE}`;

const fixed = new Map<string, string>();

/**
 * Registers a statement of fixed text under `fact_<name>` and returns the text. For statements the service
 * sends often and whose text never varies; a name is given once, and a second text under it is refused.
 */
export function namedStatement(name: string, sql: string): string {
  const full = `fact_${name}`;
  for (const [text, given] of fixed) if (given === full && text !== sql) throw new Error(`statement name ${full} is taken by another text`);
  fixed.set(sql, full);
  return sql;
}

/** The statement's name, or '' (node-postgres then sends it unnamed, parsed and planned each time). */
export function statementName(query: { sql: string }): string {
  const { sql } = query;
  const named = fixed.get(sql);
  if (named !== undefined) return named;
  if (!sql.startsWith(OPEN) || !sql.endsWith(CLOSE)) return '';
  let name = names.get(sql);
  if (name === undefined) {
    if (names.size >= MAX_NAMED) return '';
    names.set(sql, (name = `fact_read_${names.size + 1}`));
  }
  return name;
}

export const namedStatements = () => names.size;
