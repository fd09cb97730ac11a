/**
 * An as-of read: the compiled SQL of a read with every versioned table replaced by its `<Table>_asOf(t)`
 * function (migration 20261130090000_revisions), which returns the table's rows as they were at instant t
 * from the revision tables (the audit log and status changes: the entries written by then). The functions
 * are inlinable SQL, so the planner sees through them to the revision tables' indexes.
 *
 * The replacement is textual and safe because the compiler writes table names only from its fixed
 * vocabulary, always double-quoted (`"Statement" t3`), never anything from a request (values are bound
 * parameters), and no other identifier it writes is a table name in double quotes.
 */
const VERSIONED = /"(Actor|Affiliation|Source|Statement|Claim|Stance|AuditEntry|ClaimStatusChange)"/g;

export function asOfSql(sql: string, instant: string): string {
  return sql.replace(VERSIONED, (_match, table: string) => `"${table}_asOf"(${instant})`);
}
