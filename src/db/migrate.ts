import { createHash, randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PGlite } from '@electric-sql/pglite';
import type { ClientBase } from 'pg';

export interface SqlSession {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<{ rows: T[] }>;
  exec(sql: string): Promise<void>;
}

export function pgliteSession(db: PGlite): SqlSession {
  return {
    async query<T = Record<string, unknown>>(sql: string, params?: unknown[]) {
      const result = await db.query<T>(sql, params);
      return { rows: result.rows };
    },
    async exec(sql: string) {
      await db.exec(sql);
    },
  };
}

export function pgSession(client: ClientBase): SqlSession {
  return {
    async query<T = Record<string, unknown>>(sql: string, params?: unknown[]) {
      const result = params === undefined ? await client.query(sql) : await client.query(sql, params);
      const rows: T[] = result.rows;
      return { rows };
    },
    async exec(sql: string) {
      // Without parameters node-postgres uses the simple query protocol, which accepts many statements.
      await client.query(sql);
    },
  };
}

export interface MigrationResult {
  applied: string[];
  alreadyApplied: string[];
}

export interface MigrationStatus {
  applied: string[];
  pending: string[];
  failed: string[];
  modified: string[];
}

/**
 * Prisma's user-facing error codes where one exists (P1002 lock timeout, P3005 schema not empty, P3009 failed
 * migrations found, P3015 missing migration file, P3018 migration failed, P3019 provider switched).
 */
export type MigrationErrorCode = 'P1002' | 'P3005' | 'P3009' | 'P3015' | 'P3018' | 'P3019' | 'NO_SCHEMA';

export class MigrationError extends Error {
  override readonly name = 'MigrationError';
  readonly code: MigrationErrorCode;
  readonly migrationName: string | undefined;
  readonly databaseErrorCode: string | undefined;

  constructor(
    code: MigrationErrorCode,
    message: string,
    options: { migrationName?: string; databaseErrorCode?: string; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.migrationName = options.migrationName;
    this.databaseErrorCode = options.databaseErrorCode;
  }
}

export const MIGRATIONS_TABLE = '_prisma_migrations';
/** The advisory lock key of Prisma Migrate (schema-engine sql-schema-connector, flavour/postgres.rs). */
export const MIGRATE_ADVISORY_LOCK_KEY = 72707369;
// Prisma gives up after 10s; instances starting together (and parallel test files sharing one database)
// queue on the same database-wide key, so wait longer before failing.
const LOCK_TIMEOUT = '60s';
const LOCK_PROVIDER = 'postgresql';
const POSTGIS_TABLES = /^(spatial_ref_sys|geometry_columns|geography_columns|raster_columns|raster_overviews)$/i;

export const DEFAULT_MIGRATIONS_DIR = fileURLToPath(new URL('../../prisma/migrations/', import.meta.url));

interface MigrationDirectory {
  name: string;
  scriptPath: string;
  script: string | null;
}

interface MigrationsFolder {
  dir: string;
  lockfile: string | null;
  migrations: MigrationDirectory[];
}

interface MigrationRecord {
  id: string;
  checksum: string;
  finishedAt: Date | null;
  migrationName: string;
  rolledBackAt: Date | null;
  startedAt: Date | null;
}

async function readMigrationsFolder(dir: string): Promise<MigrationsFolder> {
  const lockfile = await readFile(join(dir, 'migration_lock.toml'), 'utf8').catch(() => null);
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const migrations: MigrationDirectory[] = [];
  for (const entry of entries) {
    if (!entry.isDirectory()) continue;
    const scriptPath = join(dir, entry.name, 'migration.sql');
    const script = await readFile(scriptPath, 'utf8').catch(() => null);
    migrations.push({ name: entry.name, scriptPath, script });
  }
  // Same ordering as the Prisma CLI's migrations folder listing.
  migrations.sort((a, b) => a.name.localeCompare(b.name));
  return { dir, lockfile, migrations };
}

function checkLockfileProvider(lockfile: string | null): void {
  if (lockfile === null) return;
  const line = lockfile.split(/\r?\n/).find((l) => l.startsWith('provider'));
  const provider = line === undefined ? '<PROVIDER NOT FOUND>' : line.replace(/^provider = /, '').replace(/^"+|"+$/g, '');
  if (provider !== LOCK_PROVIDER) {
    throw new MigrationError(
      'P3019',
      `The migrations were written for \`${provider}\` (migration_lock.toml) but this runner applies them to \`${LOCK_PROVIDER}\`.`,
    );
  }
}

export function migrationChecksum(script: string): string {
  return createHash('sha256').update(script, 'utf8').digest('hex');
}

/** Mirrors Prisma: line-ending agnostic, and accepts the old checksums that were not zero-padded. */
function scriptMatchesChecksum(script: string, checksum: string): boolean {
  const variants = [script, script.replaceAll('\r\n', '\n'), script.replaceAll('\n', '\r\n')];
  return variants.some((variant) => {
    const digest = createHash('sha256').update(variant, 'utf8').digest();
    const rendered =
      checksum.length !== 0 && checksum.length !== 64
        ? Array.from(digest, (byte) => byte.toString(16)).join('')
        : digest.toString('hex');
    return rendered === checksum;
  });
}

function quoteIdent(identifier: string): string {
  return `"${identifier.replaceAll('"', '""')}"`;
}

async function currentSchema(session: SqlSession): Promise<string> {
  const { rows } = await session.query<{ schema: unknown }>('SELECT current_schema() AS schema');
  const schema = rows[0]?.schema;
  if (typeof schema !== 'string') {
    throw new MigrationError('NO_SCHEMA', 'None of the schemas in the session search_path exists; create it first.');
  }
  return schema;
}

async function tablesIn(session: SqlSession, schema: string): Promise<string[]> {
  const { rows } = await session.query<{ relname: string }>(
    `SELECT c.relname FROM pg_catalog.pg_class c
       JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind = 'r' AND n.nspname = $1`,
    [schema],
  );
  return rows.map((row) => row.relname);
}

function createTableSql(table: string): string {
  return `CREATE TABLE ${table} (
    id                      VARCHAR(36) PRIMARY KEY NOT NULL,
    checksum                VARCHAR(64) NOT NULL,
    finished_at             TIMESTAMPTZ,
    migration_name          VARCHAR(255) NOT NULL,
    logs                    TEXT,
    rolled_back_at          TIMESTAMPTZ,
    started_at              TIMESTAMPTZ NOT NULL DEFAULT now(),
    applied_steps_count     INTEGER NOT NULL DEFAULT 0
);
`;
}

function asDate(value: unknown): Date | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value;
  const parsed = new Date(String(value));
  return Number.isNaN(parsed.getTime()) ? null : parsed;
}

async function loadRecords(session: SqlSession, table: string): Promise<MigrationRecord[]> {
  const { rows } = await session.query<Record<string, unknown>>(
    `SELECT id, checksum, finished_at, migration_name, rolled_back_at, started_at
       FROM ${table} ORDER BY started_at ASC`,
  );
  return rows.map((row) => ({
    id: String(row.id),
    checksum: String(row.checksum),
    finishedAt: asDate(row.finished_at),
    migrationName: String(row.migration_name),
    rolledBackAt: asDate(row.rolled_back_at),
    startedAt: asDate(row.started_at),
  }));
}

const isFailed = (r: MigrationRecord) => r.finishedAt === null && r.rolledBackAt === null;
const isApplied = (r: MigrationRecord) => r.finishedAt !== null && r.rolledBackAt === null;

function failedMigrationsError(failed: MigrationRecord[]): MigrationError {
  const names = failed.map((r) => `\`${r.migrationName}\` (started at ${r.startedAt?.toISOString() ?? 'unknown'})`);
  const first = failed[0]?.migrationName ?? '';
  return new MigrationError(
    'P3009',
    `Found ${failed.length === 1 ? 'a failed migration' : 'failed migrations'} in the database: ${names.join(', ')}. ` +
      'New migrations will not be applied until it is resolved: repair the database by hand, then mark the migration ' +
      `rolled back or applied (what \`prisma migrate resolve --rolled-back ${first}\` does). ` +
      `The database error is in the logs column of ${MIGRATIONS_TABLE}.`,
    { migrationName: first },
  );
}

interface Analysis {
  records: MigrationRecord[];
  pending: MigrationDirectory[];
  alreadyApplied: string[];
  modified: string[];
  missingFromFolder: string[];
}

function analyse(folder: MigrationsFolder, records: MigrationRecord[]): Analysis {
  const live = records.filter((r) => r.rolledBackAt === null);
  const pending = folder.migrations.filter((m) => !live.some((r) => r.migrationName === m.name));
  const alreadyApplied = folder.migrations.filter((m) => live.some((r) => r.migrationName === m.name && isApplied(r)));
  const modified = alreadyApplied
    .filter((m) => {
      const record = live.find((r) => r.migrationName === m.name && isApplied(r));
      return record !== undefined && (m.script === null || !scriptMatchesChecksum(m.script, record.checksum));
    })
    .map((m) => m.name);
  const missingFromFolder = [
    ...new Set(live.filter((r) => !folder.migrations.some((m) => m.name === r.migrationName)).map((r) => r.migrationName)),
  ];
  return { records, pending, alreadyApplied: alreadyApplied.map((m) => m.name), modified, missingFromFolder };
}

async function acquireLock(session: SqlSession): Promise<void> {
  try {
    // Session-level advisory lock taken inside a transaction so that SET LOCAL bounds the wait like Prisma's timeout.
    await session.exec(
      `BEGIN; SET LOCAL lock_timeout = '${LOCK_TIMEOUT}'; SELECT pg_advisory_lock(${MIGRATE_ADVISORY_LOCK_KEY}); COMMIT;`,
    );
  } catch (error) {
    await session.exec('ROLLBACK').catch(() => undefined);
    const info = databaseErrorInfo(error);
    if (info.code === '55P03') {
      throw new MigrationError(
        'P1002',
        `Timed out after ${LOCK_TIMEOUT} waiting for the migration lock (pg_advisory_lock(${MIGRATE_ADVISORY_LOCK_KEY})); another process is migrating this database.`,
        { databaseErrorCode: info.code, cause: error },
      );
    }
    throw error;
  }
}

async function releaseLock(session: SqlSession): Promise<void> {
  await session.query(`SELECT pg_advisory_unlock(${MIGRATE_ADVISORY_LOCK_KEY})`);
}

/**
 * `prisma migrate deploy` for one session: call it outside any open transaction. Applies the pending
 * migration directories in order and records them in `_prisma_migrations` of the session's current schema.
 */
export async function applyMigrations(
  session: SqlSession,
  options: { migrationsDir?: string; log?: (message: string) => void } = {},
): Promise<MigrationResult> {
  const log = options.log ?? (() => undefined);
  const folder = await readMigrationsFolder(options.migrationsDir ?? DEFAULT_MIGRATIONS_DIR);
  checkLockfileProvider(folder.lockfile);

  await acquireLock(session);
  try {
    const schema = await currentSchema(session);
    const table = `${quoteIdent(schema)}.${quoteIdent(MIGRATIONS_TABLE)}`;
    const tables = await tablesIn(session, schema);
    if (!tables.includes(MIGRATIONS_TABLE)) {
      const foreign = tables.filter((t) => !POSTGIS_TABLES.test(t));
      if (foreign.length > 0) {
        throw new MigrationError(
          'P3005',
          `The database schema "${schema}" is not empty (it has ${foreign.length} table(s) but no ${MIGRATIONS_TABLE}); ` +
            'baseline it before applying migrations: https://pris.ly/d/migrate-baseline',
        );
      }
      await session.exec(createTableSql(table));
    }

    const analysis = analyse(folder, await loadRecords(session, table));
    const failed = analysis.records.filter(isFailed);
    if (failed.length > 0) throw failedMigrationsError(failed);

    for (const name of analysis.modified) {
      log(`Warning: migration \`${name}\` was modified after it was applied (its checksum differs from the one in ${MIGRATIONS_TABLE}).`);
    }
    for (const name of analysis.missingFromFolder) {
      log(`Warning: migration \`${name}\` is applied to the database but missing from ${folder.dir}.`);
    }
    if (folder.migrations.length === 0) log(`No migration found in ${folder.dir}.`);

    const applied: string[] = [];
    for (const migration of analysis.pending) {
      log(`Applying migration \`${migration.name}\``);
      await applyOne(session, table, migration);
      applied.push(migration.name);
    }
    return { applied, alreadyApplied: analysis.alreadyApplied };
  } finally {
    await releaseLock(session).catch(() => undefined);
  }
}

async function applyOne(session: SqlSession, table: string, migration: MigrationDirectory): Promise<void> {
  const script = migration.script;
  if (script === null) {
    throw new MigrationError(
      'P3015',
      `Could not find the migration file at ${migration.scriptPath}. Please delete the directory or restore the migration file.`,
      { migrationName: migration.name },
    );
  }

  const id = randomUUID();
  await session.query(`INSERT INTO ${table} (id, checksum, started_at, migration_name) VALUES ($1, $2, now(), $3)`, [
    id,
    migrationChecksum(script),
    migration.name,
  ]);

  const finish = `UPDATE ${table} SET applied_steps_count = applied_steps_count + 1, finished_at = clock_timestamp() WHERE id = $1`;
  const statements = analyseScript(script);
  // Prisma sends the script as one simple query, which Postgres runs as one implicit transaction unless the
  // script controls transactions itself; an explicit transaction has the same effect on any session and lets
  // the success record commit atomically with the migration.
  const wrap = statements.count > 1 && !statements.controlsTransactions;
  try {
    if (wrap) {
      await session.exec('BEGIN');
      await session.exec(script);
      await session.query(finish, [id]);
      await session.exec('COMMIT');
    } else {
      if (statements.count > 0) await session.exec(script);
      await session.query(finish, [id]);
    }
  } catch (error) {
    if (wrap || statements.controlsTransactions) await session.exec('ROLLBACK').catch(() => undefined);
    const info = databaseErrorInfo(error);
    await session
      .query(`UPDATE ${table} SET logs = $2 WHERE id = $1`, [id, failureLogs(migration.name, script, info)])
      .catch(() => undefined);
    throw new MigrationError(
      'P3018',
      `Migration \`${migration.name}\` failed to apply: ${info.message}${info.code ? ` (database error code ${info.code})` : ''}. ` +
        `It is recorded as failed in ${MIGRATIONS_TABLE}; new migrations will not be applied until it is resolved.`,
      { migrationName: migration.name, ...(info.code ? { databaseErrorCode: info.code } : {}), cause: error },
    );
  }
}

interface DatabaseErrorInfo {
  code: string | undefined;
  severity: string | undefined;
  message: string;
  detail: string | undefined;
  hint: string | undefined;
  position: number | undefined;
}

function field(value: unknown, key: string): string | undefined {
  if (typeof value !== 'object' || value === null || !(key in value)) return undefined;
  const found: unknown = Reflect.get(value, key);
  return typeof found === 'string' && found !== '' ? found : typeof found === 'number' ? String(found) : undefined;
}

function databaseErrorInfo(error: unknown): DatabaseErrorInfo {
  const position = Number(field(error, 'position'));
  return {
    code: field(error, 'code'),
    severity: field(error, 'severity'),
    message: field(error, 'message') ?? String(error),
    detail: field(error, 'detail'),
    hint: field(error, 'hint'),
    position: Number.isInteger(position) && position > 0 ? position : undefined,
  };
}

/** The text Prisma stores in `logs` for a failed migration (its P3018 message), without terminal colours. */
function failureLogs(name: string, script: string, info: DatabaseErrorInfo): string {
  let databaseError = `${info.severity ?? 'ERROR'}: ${info.message}`;
  if (info.detail) databaseError += `\nDETAIL: ${info.detail}`;
  if (info.hint) databaseError += `\nHINT: ${info.hint}`;
  if (info.position !== undefined) {
    const errorLine = script.slice(0, info.position - 1).split('\n').length - 1;
    const first = Math.max(0, errorLine - 5);
    const shown = script
      .split('\n')
      .slice(first, errorLine + 1)
      .map((line, k) => `${String(first + k + 1).padStart(3)}${line ? ` ${line}` : ''}`);
    databaseError += `\n\nPosition:\n${shown.join('\n')}`;
  }
  return (
    'A migration failed to apply. New migrations cannot be applied before the error is recovered from. ' +
    'Read more about how to resolve migration issues in a production database: https://pris.ly/d/migrate-resolve\n\n' +
    `Migration name: ${name}\n\nDatabase error code: ${info.code ?? 'none'}\n\nDatabase error:\n${databaseError}\n`
  );
}

/**
 * Counts the statements of a script and tells whether it manages transactions itself, skipping comments,
 * string literals, quoted identifiers, dollar-quoted bodies and SQL-standard `BEGIN ATOMIC ... END` bodies.
 */
export function analyseScript(script: string): { count: number; controlsTransactions: boolean } {
  const statements: string[][] = [];
  let words: string[] = [];
  let insideAtomicBody = false;
  const endStatement = () => {
    if (words.length === 0) return;
    if (insideAtomicBody) {
      statements.at(-1)?.push(';', ...words);
      if (words[0] === 'END') insideAtomicBody = false;
    } else {
      statements.push(words);
      const atomic = words.findIndex((w, k) => k > 1 && words[k - 1] === 'BEGIN' && w === 'ATOMIC');
      insideAtomicBody = atomic !== -1 && !(words.length === atomic + 2 && words[atomic + 1] === 'END');
    }
    words = [];
  };

  const n = script.length;
  const isWordStart = (c: string) => /[A-Za-z_\u0080-\uffff]/.test(c);
  const isWordChar = (c: string) => /[A-Za-z0-9_$\u0080-\uffff]/.test(c);
  let i = 0;
  while (i < n) {
    const c = script.charAt(i);
    const next = script.charAt(i + 1);
    if (c === '-' && next === '-') {
      const end = script.indexOf('\n', i);
      i = end === -1 ? n : end + 1;
    } else if (c === '/' && next === '*') {
      let depth = 1;
      i += 2;
      while (i < n && depth > 0) {
        if (script.startsWith('/*', i)) {
          depth += 1;
          i += 2;
        } else if (script.startsWith('*/', i)) {
          depth -= 1;
          i += 2;
        } else i += 1;
      }
    } else if (c === "'") {
      const backslashEscapes = words.at(-1) === 'E' && /[Ee]/.test(script.charAt(i - 1));
      i += 1;
      while (i < n) {
        const s = script.charAt(i);
        if (backslashEscapes && s === '\\') i += 2;
        else if (s === "'" && script.charAt(i + 1) === "'") i += 2;
        else if (s === "'") break;
        else i += 1;
      }
      i += 1;
      words.push("'");
    } else if (c === '"') {
      const start = i;
      i += 1;
      while (i < n) {
        if (script.charAt(i) === '"' && script.charAt(i + 1) === '"') i += 2;
        else if (script.charAt(i) === '"') break;
        else i += 1;
      }
      i += 1;
      words.push(script.slice(start, i));
    } else if (c === '$' && !(i > 0 && isWordChar(script.charAt(i - 1)))) {
      const tag = /^\$(?:[A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/.exec(script.slice(i, i + 256));
      if (tag) {
        const close = script.indexOf(tag[0], i + tag[0].length);
        i = close === -1 ? n : close + tag[0].length;
        words.push('$$');
      } else i += 1;
    } else if (c === ';') {
      endStatement();
      i += 1;
    } else if (isWordStart(c)) {
      const start = i;
      while (i < n && isWordChar(script.charAt(i))) i += 1;
      words.push(script.slice(start, i).toUpperCase());
    } else {
      if (!/\s/.test(c)) words.push(c);
      i += 1;
    }
  }
  endStatement();

  const controlsTransactions = statements.some(([first, second]) => {
    if (first === 'BEGIN') return second !== 'ATOMIC';
    if (first === 'START' || first === 'PREPARE') return second === 'TRANSACTION';
    return first === 'COMMIT' || first === 'END' || first === 'ROLLBACK' || first === 'ABORT';
  });
  return { count: statements.length, controlsTransactions };
}

/** Read-only comparison of the migrations folder with `_prisma_migrations`; takes no lock and creates nothing. */
export async function migrationStatus(
  session: SqlSession,
  options: { migrationsDir?: string } = {},
): Promise<MigrationStatus> {
  const folder = await readMigrationsFolder(options.migrationsDir ?? DEFAULT_MIGRATIONS_DIR);
  checkLockfileProvider(folder.lockfile);
  const schema = await currentSchema(session);
  if (!(await tablesIn(session, schema)).includes(MIGRATIONS_TABLE)) {
    return { applied: [], pending: folder.migrations.map((m) => m.name), failed: [], modified: [] };
  }
  const records = await loadRecords(session, `${quoteIdent(schema)}.${quoteIdent(MIGRATIONS_TABLE)}`);
  const analysis = analyse(folder, records);
  return {
    applied: [...new Set(records.filter(isApplied).map((r) => r.migrationName))],
    pending: analysis.pending.map((m) => m.name),
    failed: [...new Set(records.filter(isFailed).map((r) => r.migrationName))],
    modified: analysis.modified,
  };
}
