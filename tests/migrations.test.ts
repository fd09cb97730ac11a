import { createHash, randomBytes } from 'node:crypto';
import { appendFile, cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  analyseScript,
  applyMigrations,
  DEFAULT_MIGRATIONS_DIR,
  MigrationError,
  type MigrationResult,
  migrationStatus,
  pgliteSession,
  pgSession,
  type SqlSession,
} from '../src/db/migrate.js';
import { type DatabaseShape, diffDatabase, type IndexShape, introspectSchema, type TableShape } from './support/introspect.js';
import { expectedDatabase as expectedFromPrisma, parsePrismaSchema, readPrismaSchema } from './support/prisma-schema.js';

const MIGRATIONS_DIR = fileURLToPath(new URL('../prisma/migrations/', import.meta.url));
const DATABASE_URL = process.env.DATABASE_URL;
const SLOW = { timeout: 60_000 };

const migrationNames = (await readdir(MIGRATIONS_DIR, { withFileTypes: true }))
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort((a, b) => a.localeCompare(b));
const INIT = migrationNames[0] ?? '';

interface TestDatabase {
  session: SqlSession;
  schema: string;
  close(): Promise<void>;
}

interface Target {
  name: string;
  /** A fresh, empty schema first on the search_path (public second, where pg_trgm lives). */
  open(): Promise<TestDatabase>;
  /** Another connection to the same schema; only for servers. */
  connect?(schema: string): Promise<TestDatabase>;
  cleanup(): Promise<void>;
}

const freshSchemaName = () => `t_migrations_${randomBytes(5).toString('hex')}`;
const quote = (identifier: string) => `"${identifier.replaceAll('"', '""')}"`;

const pgliteTarget: Target = {
  name: 'PGlite',
  async open() {
    const db = new PGlite({ extensions: { pg_trgm } });
    const session = pgliteSession(db);
    const schema = freshSchemaName();
    await session.exec(
      `CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public; CREATE SCHEMA ${quote(schema)}; SET search_path TO ${quote(schema)}, public`,
    );
    return { session, schema, close: () => db.close() };
  },
  async cleanup() {},
};

function postgresTarget(url: string): Target {
  const schemas: string[] = [];
  const connect = async (schema: string, create: boolean): Promise<TestDatabase> => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const session = pgSession(client);
    if (create) {
      schemas.push(schema);
      await session.exec(`CREATE SCHEMA ${quote(schema)}`);
    }
    await session.exec(`SET search_path TO ${quote(schema)}, public`);
    return { session, schema, close: () => client.end() };
  };
  return {
    name: 'PostgreSQL',
    async open() {
      const admin = new pg.Client({ connectionString: url });
      await admin.connect();
      try {
        await admin.query('CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public');
      } catch (error) {
        // Another test file may be creating it at the same moment.
        const { rows } = await admin.query("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'");
        if (rows.length === 0) throw error;
      } finally {
        await admin.end();
      }
      return connect(freshSchemaName(), true);
    },
    connect: (schema) => connect(schema, false),
    async cleanup() {
      if (schemas.length === 0) return;
      const admin = new pg.Client({ connectionString: url });
      await admin.connect();
      try {
        for (const schema of schemas.splice(0)) await admin.query(`DROP SCHEMA IF EXISTS ${quote(schema)} CASCADE`);
      } finally {
        await admin.end();
      }
    },
  };
}

const targets: Target[] = [pgliteTarget, ...(DATABASE_URL ? [postgresTarget(DATABASE_URL)] : [])];

interface MigrationRow {
  id: string;
  checksum: string;
  finished_at: Date | null;
  migration_name: string;
  logs: string | null;
  rolled_back_at: Date | null;
  started_at: Date;
  applied_steps_count: number;
}

function toDate(value: unknown): Date | null {
  if (value === null) return null;
  return value instanceof Date ? value : new Date(String(value));
}

async function migrationRows(db: TestDatabase): Promise<MigrationRow[]> {
  const { rows } = await db.session.query(
    `SELECT * FROM ${quote(db.schema)}."_prisma_migrations" ORDER BY started_at, migration_name`,
  );
  return rows.map((row) => ({
    id: String(row.id),
    checksum: String(row.checksum),
    finished_at: toDate(row.finished_at),
    migration_name: String(row.migration_name),
    logs: row.logs === null ? null : String(row.logs),
    rolled_back_at: toDate(row.rolled_back_at),
    started_at: toDate(row.started_at) ?? new Date(Number.NaN),
    applied_steps_count: Number(row.applied_steps_count),
  }));
}

async function tableExists(db: TestDatabase, table: string): Promise<boolean> {
  const { rows } = await db.session.query<{ found: unknown }>('SELECT to_regclass($1) IS NOT NULL AS found', [
    `${quote(db.schema)}.${quote(table)}`,
  ]);
  return rows[0]?.found === true;
}

async function sha256OfFile(path: string): Promise<string> {
  return createHash('sha256').update(await readFile(path)).digest('hex');
}

async function copyMigrations(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'migrations-test-'));
  await cp(MIGRATIONS_DIR, dir, { recursive: true });
  return dir;
}

async function addMigration(dir: string, name: string, sql: string): Promise<void> {
  await mkdir(join(dir, name), { recursive: true });
  await writeFile(join(dir, name, 'migration.sql'), sql);
}

async function rejection(promise: Promise<unknown>): Promise<MigrationError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(MigrationError);
  if (!(error instanceof MigrationError)) throw new Error('expected a MigrationError');
  return error;
}

/** Prisma's own DDL for the history table (schema-engine, sql-schema-connector flavour/postgres.rs). */
const PRISMA_MIGRATIONS_TABLE: TableShape = {
  columns: {
    id: { type: 'character varying(36)', notNull: true, default: null, generated: null },
    checksum: { type: 'character varying(64)', notNull: true, default: null, generated: null },
    finished_at: { type: 'timestamp with time zone', notNull: false, default: null, generated: null },
    migration_name: { type: 'character varying(255)', notNull: true, default: null, generated: null },
    logs: { type: 'text', notNull: false, default: null, generated: null },
    rolled_back_at: { type: 'timestamp with time zone', notNull: false, default: null, generated: null },
    started_at: { type: 'timestamp with time zone', notNull: true, default: 'now()', generated: null },
    applied_steps_count: { type: 'integer', notNull: true, default: '0', generated: null },
  },
};

/**
 * Indexes that prisma/schema.prisma cannot declare (a nulls order, a partial index), made by a migration
 * and named in a `///` comment in schema.prisma. Exactly these are expected beside what the schema
 * declares, each with this definition; any other index the schema does not declare is still drift.
 */
type Order = 'ASC' | 'DESC' | 'DESC NULLS LAST';
const btree = (table: string, columns: [string, Order][], predicate: string | null = null): IndexShape => ({
  table,
  primary: false,
  unique: false,
  constraint: false,
  method: 'btree',
  columns: columns.map(([column, order]) => ({ column, descending: order !== 'ASC', nullsFirst: order === 'DESC', opclass: null })),
  predicate,
});
/** One open version per record of a revision table (migration 20261130090000_revisions). */
const openVersion = (table: string): IndexShape => ({ ...btree(table, [['id', 'ASC']], '("validTo" IS NULL)'), unique: true });
const UNDATED_LAST: [string, Order][] = [
  ['saidOn', 'DESC NULLS LAST'],
  ['seq', 'DESC'],
];
const SQL_ONLY_INDEXES: Record<string, IndexShape> = {
  Statement_saidOn_undated_last_idx: btree('Statement', UNDATED_LAST),
  Statement_speakerId_saidOn_undated_last_idx: btree('Statement', [['speakerId', 'ASC'], ...UNDATED_LAST]),
  Statement_onBehalfOfId_saidOn_undated_last_idx: btree('Statement', [['onBehalfOfId', 'ASC'], ...UNDATED_LAST]),
  Statement_sourceId_saidOn_undated_last_idx: btree('Statement', [['sourceId', 'ASC'], ...UNDATED_LAST]),
  Statement_respondsToId_saidOn_undated_last_idx: btree('Statement', [['respondsToId', 'ASC'], ...UNDATED_LAST]),
  Statement_speakerId_live_idx: btree('Statement', [['speakerId', 'ASC']], '("retractedAt" IS NULL)'),
  StatementRevision_saidOn_undated_last_idx: btree('StatementRevision', UNDATED_LAST),
  ActorRevision_open_key: openVersion('ActorRevision'),
  AffiliationRevision_open_key: openVersion('AffiliationRevision'),
  SourceRevision_open_key: openVersion('SourceRevision'),
  StatementRevision_open_key: openVersion('StatementRevision'),
  ClaimRevision_open_key: openVersion('ClaimRevision'),
  StanceRevision_open_key: openVersion('StanceRevision'),
  ReviewRevision_open_key: openVersion('ReviewRevision'),
};

/**
 * Functions and triggers a migration makes on purpose, named in schema.prisma's `///` comments: the writers of
 * the revision tables (statement-level triggers) and the as-of readers (migration 20261130090000_revisions).
 */
const VERSIONED = ['Actor', 'Affiliation', 'Source', 'Statement', 'Claim', 'Stance', 'Review'];
const SQL_ONLY_OBJECTS = [
  ...VERSIONED.flatMap((table) => [
    `function "${table}Revision_write"`,
    `function "${table}_asOf"`,
    ...['insert', 'update', 'delete'].map((event) => `trigger "${table}Revision_${event}" on "${table}"`),
  ]),
  'function "AuditEntry_asOf"',
  'function "ClaimStatusChange_asOf"',
].sort();

/** What the migrations must produce: what schema.prisma declares, plus the SQL-only indexes, functions and triggers above. */
const expectedDatabase = (schemaText: string): DatabaseShape => {
  const expected = expectedFromPrisma(schemaText);
  return { ...expected, indexes: { ...expected.indexes, ...SQL_ONLY_INDEXES }, otherObjects: SQL_ONLY_OBJECTS };
};

/** Edits of schema.prisma that no migration carries; the comparison must catch every one. */
const SCHEMA_EDITS: { what: string; from: string; to: string; reported: string }[] = [
  {
    what: 'an added field',
    from: '  wikidataId  String?   @unique\n',
    to: '  wikidataId  String?   @unique\n  nickname    String?\n',
    reported: 'missing column "Actor"."nickname" text NULL',
  },
  {
    what: 'a dropped index',
    from: '  @@index([kind])\n',
    to: '',
    reported: 'unexpected index "Actor_kind_idx"',
  },
  {
    what: 'a changed onDelete',
    from: 'statement Statement @relation(fields: [statementId], references: [id], onDelete: Cascade)',
    to: 'statement Statement @relation(fields: [statementId], references: [id], onDelete: Restrict)',
    reported: 'foreign key "Stance.Stance_statementId_fkey": expected FOREIGN KEY ("statementId") REFERENCES "Statement" ("id") ON DELETE RESTRICT',
  },
  {
    what: 'a changed sort order',
    from: '@@index([at(sort: Desc)])',
    to: '@@index([at])',
    reported: 'index "AuditEntry_at_idx": expected INDEX ON "AuditEntry" USING btree ("at")',
  },
  {
    what: 'a dropped operator class and GIN method',
    from: '@@index([searchText(ops: raw("gin_trgm_ops"))], type: Gin)',
    to: '@@index([searchText])',
    reported: 'index "Actor_searchText_idx": expected INDEX ON "Actor" USING btree ("searchText")',
  },
  {
    what: 'an added enum value',
    from: '  UNRESOLVED\n}',
    to: '  UNRESOLVED\n  RETRACTED\n}',
    reported: 'enum "ClaimStatus": expected values (ASSERTED, CONTESTED, DENIED, UNRESOLVED, RETRACTED)',
  },
  {
    what: 'a changed native type',
    from: 'publishedOn DateTime? @db.Date',
    to: 'publishedOn DateTime?',
    reported: 'column "Source"."publishedOn": expected timestamp(3) without time zone NULL, found date NULL',
  },
  {
    what: 'a changed default',
    from: '@default(UNRESOLVED)',
    to: '@default(ASSERTED)',
    reported: `column "Claim"."status": expected "ClaimStatus" NOT NULL DEFAULT 'ASSERTED'::"ClaimStatus"`,
  },
  {
    what: 'a field made optional',
    from: '  role           String\n',
    to: '  role           String?\n',
    reported: 'column "Affiliation"."role": expected text NULL, found text NOT NULL',
  },
  {
    what: 'a dropped @unique',
    from: '  slug        String    @unique\n  name        String\n',
    to: '  slug        String\n  name        String\n',
    reported: 'unexpected index "Actor_slug_key" UNIQUE INDEX',
  },
];

describe('migration runner basics', () => {
  it('resolves the default migrations directory from the project root', () => {
    expect(resolve(DEFAULT_MIGRATIONS_DIR)).toBe(resolve(MIGRATIONS_DIR));
    expect(migrationNames.length).toBeGreaterThan(0);
  });

  it('parses schema.prisma with the prisma-schema-wasm of the installed Prisma engines', async () => {
    const version = async (pkg: string): Promise<unknown> => {
      const json: unknown = JSON.parse(
        await readFile(new URL(`../node_modules/${pkg}/package.json`, import.meta.url), 'utf8'),
      );
      return typeof json === 'object' && json !== null ? Reflect.get(json, 'version') : undefined;
    };
    expect(await version('@prisma/prisma-schema-wasm')).toBe(await version('@prisma/engines-version'));
    const dm = parsePrismaSchema(readPrismaSchema());
    const expected = expectedDatabase(readPrismaSchema());
    expect(Object.keys(expected.tables).sort()).toEqual(dm.models.map((m) => m.dbName ?? m.name).sort());
    expect(Object.keys(expected.enums).length).toBe(dm.enums.length);
  });

  it('finds statements and transaction control the way Postgres would', () => {
    expect(analyseScript('BEGIN; CREATE TABLE a (id int); COMMIT;')).toEqual({ count: 3, controlsTransactions: true });
    expect(analyseScript('start transaction; select 1; end')).toEqual({ count: 3, controlsTransactions: true });
    expect(
      analyseScript(
        "CREATE FUNCTION f() RETURNS void AS $body$ BEGIN PERFORM 1; END $body$ LANGUAGE plpgsql;\nSELECT 'BEGIN; COMMIT;';",
      ),
    ).toEqual({ count: 2, controlsTransactions: false });
    expect(analyseScript('-- BEGIN;\n/* COMMIT; /* nested; */ ; */ SELECT "a;b" FROM t;\n-- trailing')).toEqual({
      count: 1,
      controlsTransactions: false,
    });
    expect(
      analyseScript('CREATE FUNCTION g() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT 2; END; SELECT 3;'),
    ).toEqual({ count: 2, controlsTransactions: false });
    expect(analyseScript("SELECT E'it\\'s; COMMIT;'; SELECT 2")).toEqual({ count: 2, controlsTransactions: false });
    expect(analyseScript('-- nothing to run\n')).toEqual({ count: 0, controlsTransactions: false });
  });
});

describe.each(targets)('migrations on $name', (target) => {
  afterAll(() => target.cleanup(), 60_000);

  describe('an empty database', () => {
    let db: TestDatabase;
    let firstRun: MigrationResult;
    let actual: DatabaseShape;
    const logs: string[] = [];

    beforeAll(async () => {
      db = await target.open();
      firstRun = await applyMigrations(db.session, { log: (message) => logs.push(message) });
      actual = await introspectSchema(db.session, db.schema);
    }, 60_000);
    afterAll(() => db?.close());

    it('gets every migration directory applied, in order', () => {
      expect(firstRun).toEqual({ applied: migrationNames, alreadyApplied: [] });
      expect(logs.filter((line) => line.startsWith('Warning'))).toEqual([]);
    });

    it('ends up with exactly what prisma/schema.prisma declares (no drift)', () => {
      const expected = expectedDatabase(readPrismaSchema());
      expect(diffDatabase(expected, actual, { ignoreTables: ['_prisma_migrations'] })).toEqual([]);
    });

    it('accepts the listed SQL-only indexes only as listed, and no others', () => {
      const declared = { ...expectedFromPrisma(readPrismaSchema()), otherObjects: SQL_ONLY_OBJECTS };
      const { Statement_saidOn_undated_last_idx: unlisted, ...others } = SQL_ONLY_INDEXES;
      expect(unlisted).toBeDefined();
      const withoutOne = diffDatabase({ ...declared, indexes: { ...declared.indexes, ...others } }, actual, { ignoreTables: ['_prisma_migrations'] });
      expect(withoutOne).toEqual(['unexpected index "Statement_saidOn_undated_last_idx" INDEX ON "Statement" USING btree ("saidOn" DESC NULLS LAST, "seq" DESC)']);
      const nullsFirst = { ...SQL_ONLY_INDEXES, Statement_saidOn_undated_last_idx: btree('Statement', [['saidOn', 'DESC'], ['seq', 'DESC']]) };
      expect(diffDatabase({ ...declared, indexes: { ...declared.indexes, ...nullsFirst } }, actual, { ignoreTables: ['_prisma_migrations'] })).toEqual([
        'index "Statement_saidOn_undated_last_idx": expected INDEX ON "Statement" USING btree ("saidOn" DESC, "seq" DESC), found INDEX ON "Statement" USING btree ("saidOn" DESC NULLS LAST, "seq" DESC)',
      ]);
    });

    it('finds every SQL-only index named in a /// comment of schema.prisma', () => {
      const comments = readPrismaSchema()
        .split('\n')
        .filter((line) => line.trim().startsWith('///'))
        .join('\n');
      for (const name of Object.keys(SQL_ONLY_INDEXES)) expect(comments).toContain(`"${name}"`);
      for (const object of SQL_ONLY_OBJECTS) expect(comments).toContain(object.split(' ')[1]);
    });

    it.each(SCHEMA_EDITS)('reports drift for $what in schema.prisma', ({ from, to, reported }) => {
      const original = readPrismaSchema();
      const edited = original.replace(from, to);
      expect(edited).not.toBe(original);
      const problems = diffDatabase(expectedDatabase(edited), actual, { ignoreTables: ['_prisma_migrations'] });
      expect(problems.length).toBeGreaterThan(0);
      expect(problems.filter((line) => line.startsWith(reported))).toHaveLength(1);
    });

    it('creates _prisma_migrations with the DDL of Prisma', () => {
      expect(actual.tables._prisma_migrations).toEqual(PRISMA_MIGRATIONS_TABLE);
      expect(actual.indexes._prisma_migrations_pkey).toMatchObject({
        table: '_prisma_migrations',
        primary: true,
        method: 'btree',
        columns: [{ column: 'id', descending: false, opclass: null }],
      });
    });

    it('records one finished row per migration, like Prisma', async () => {
      const rows = await migrationRows(db);
      expect(rows.map((row) => row.migration_name)).toEqual(migrationNames);
      for (const row of rows) {
        expect(row.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
        expect(row.checksum).toBe(await sha256OfFile(join(MIGRATIONS_DIR, row.migration_name, 'migration.sql')));
        expect(row.finished_at).toBeInstanceOf(Date);
        expect(row.finished_at?.getTime()).toBeGreaterThanOrEqual(row.started_at.getTime());
        expect(row.applied_steps_count).toBe(1);
        expect(row.rolled_back_at).toBeNull();
        expect(row.logs).toBeNull();
      }
    });

    it('applies nothing the second time and reports a clean status', async () => {
      const before = await migrationRows(db);
      expect(await applyMigrations(db.session)).toEqual({ applied: [], alreadyApplied: migrationNames });
      expect(await migrationRows(db)).toEqual(before);
      expect(await migrationStatus(db.session)).toEqual({ applied: migrationNames, pending: [], failed: [], modified: [] });
    });

    it("releases Prisma's advisory lock", async () => {
      const { rows } = await db.session.query<{ held: unknown }>(
        `SELECT count(*)::int AS held FROM pg_locks
          WHERE locktype = 'advisory' AND objid = 72707369 AND pid = pg_backend_pid() AND granted`,
      );
      expect(rows[0]?.held).toBe(0);
    });
  });

  describe('failures and edits', () => {
    const dirs: string[] = [];
    afterAll(async () => {
      for (const dir of dirs) await rm(dir, { recursive: true, force: true });
    });

    it('keeps a failed migration unfinished, rolls its changes back, and refuses to go on (P3009)', SLOW, async () => {
      const dir = await copyMigrations();
      dirs.push(dir);
      const broken = '20991231000000_broken';
      await addMigration(
        dir,
        broken,
        '-- CreateTable\nCREATE TABLE "Partial" ("id" INTEGER NOT NULL);\n\n-- Fails at run time, after the table above\nINSERT INTO "Partial" ("id") SELECT "id" FROM "DoesNotExist";\n',
      );
      const db = await target.open();
      try {
        const failure = await rejection(applyMigrations(db.session, { migrationsDir: dir }));
        expect(failure.code).toBe('P3018');
        expect(failure.migrationName).toBe(broken);
        expect(failure.databaseErrorCode).toBe('42P01');
        expect(failure.message).toContain(broken);
        expect(failure.message).toContain('relation "DoesNotExist" does not exist');
        expect(failure.message).not.toContain('INSERT');

        expect(await tableExists(db, 'Partial')).toBe(false);
        const rows = await migrationRows(db);
        expect(rows.map((row) => [row.migration_name, row.finished_at === null])).toEqual([
          ...migrationNames.map((name) => [name, false]),
          [broken, true],
        ]);
        const failed = rows.find((row) => row.migration_name === broken);
        expect(failed).toMatchObject({ applied_steps_count: 0, rolled_back_at: null });
        expect(failed?.checksum).toBe(await sha256OfFile(join(dir, broken, 'migration.sql')));
        expect(failed?.logs).toContain(`Migration name: ${broken}`);
        expect(failed?.logs).toContain('Database error code: 42P01');
        expect(failed?.logs).toContain('relation "DoesNotExist" does not exist');

        expect(await migrationStatus(db.session, { migrationsDir: dir })).toEqual({
          applied: migrationNames,
          pending: [],
          failed: [broken],
          modified: [],
        });
        const refused = await rejection(applyMigrations(db.session, { migrationsDir: dir }));
        expect(refused.code).toBe('P3009');
        expect(refused.message).toContain(broken);
        expect(await migrationRows(db)).toHaveLength(rows.length);

        // What `prisma migrate resolve --rolled-back` records, then a fixed script goes through.
        await db.session.query(
          `UPDATE ${quote(db.schema)}."_prisma_migrations" SET rolled_back_at = now() WHERE migration_name = $1`,
          [broken],
        );
        await writeFile(join(dir, broken, 'migration.sql'), 'CREATE TABLE "Partial" ("id" INTEGER NOT NULL);\n');
        expect(await applyMigrations(db.session, { migrationsDir: dir })).toEqual({
          applied: [broken],
          alreadyApplied: migrationNames,
        });
        expect(await tableExists(db, 'Partial')).toBe(true);
        const retried = (await migrationRows(db)).filter((row) => row.migration_name === broken);
        expect(retried.map((row) => [row.rolled_back_at !== null, row.finished_at !== null])).toEqual([
          [true, false],
          [false, true],
        ]);
      } finally {
        await db.close();
      }
    });

    it('warns about and reports a migration file changed after it was applied', SLOW, async () => {
      const dir = await copyMigrations();
      dirs.push(dir);
      const db = await target.open();
      try {
        await applyMigrations(db.session, { migrationsDir: dir });
        const file = join(dir, INIT, 'migration.sql');
        const original = await readFile(file, 'utf8');

        // Prisma compares checksums regardless of line endings (git may convert them).
        await writeFile(file, original.replaceAll('\n', '\r\n'));
        expect((await migrationStatus(db.session, { migrationsDir: dir })).modified).toEqual([]);

        await appendFile(file, '\n-- edited after it was applied\n');
        expect((await migrationStatus(db.session, { migrationsDir: dir })).modified).toEqual([INIT]);
        const logs: string[] = [];
        expect(await applyMigrations(db.session, { migrationsDir: dir, log: (m) => logs.push(m) })).toEqual({
          applied: [],
          alreadyApplied: migrationNames,
        });
        expect(logs.filter((line) => line.includes(INIT) && line.includes('modified'))).toHaveLength(1);
      } finally {
        await db.close();
      }
    });

    it('runs scripts with their own transactions, and single non-transactional statements, as Prisma does', SLOW, async () => {
      const dir = await copyMigrations();
      dirs.push(dir);
      const ownTransaction = '20991231000000_own_transaction';
      const concurrently = '20991231000001_concurrently';
      await addMigration(dir, ownTransaction, 'BEGIN;\nCREATE TABLE "OwnTransaction" ("id" INTEGER);\nCOMMIT;\n');
      await addMigration(dir, concurrently, '-- CreateIndex\nCREATE INDEX CONCURRENTLY "Actor_name_idx" ON "Actor"("name");\n');
      const db = await target.open();
      try {
        expect(await applyMigrations(db.session, { migrationsDir: dir })).toEqual({
          applied: [...migrationNames, ownTransaction, concurrently],
          alreadyApplied: [],
        });
        expect(await tableExists(db, 'OwnTransaction')).toBe(true);
        expect(await tableExists(db, 'Actor_name_idx')).toBe(true);
        const rows = await migrationRows(db);
        expect(rows.every((row) => row.finished_at !== null && row.applied_steps_count === 1 && row.logs === null)).toBe(true);
      } finally {
        await db.close();
      }
    });

    it('refuses a non-empty schema without migration history (P3005), like Prisma', SLOW, async () => {
      const db = await target.open();
      try {
        await db.session.exec('CREATE TABLE "Legacy" ("id" INTEGER)');
        expect((await rejection(applyMigrations(db.session))).code).toBe('P3005');
        expect(await tableExists(db, '_prisma_migrations')).toBe(false);
      } finally {
        await db.close();
      }
    });
  });

  if (target.name === 'PGlite') {
    it('migrates the public schema of a fresh PGlite without drift', SLOW, async () => {
      const pglite = new PGlite({ extensions: { pg_trgm } });
      try {
        const session = pgliteSession(pglite);
        expect(await applyMigrations(session)).toEqual({ applied: migrationNames, alreadyApplied: [] });
        const actual = await introspectSchema(session, 'public');
        expect(diffDatabase(expectedDatabase(readPrismaSchema()), actual, { ignoreTables: ['_prisma_migrations'] })).toEqual(
          [],
        );
        expect(actual.tables._prisma_migrations).toEqual(PRISMA_MIGRATIONS_TABLE);
      } finally {
        await pglite.close();
      }
    });
  }

  const connect = target.connect;
  if (connect) {
    it("serialises concurrent runs with Prisma's advisory lock", SLOW, async () => {
      const dir = await copyMigrations();
      const slow = '20991231000000_slow';
      await addMigration(dir, slow, 'SELECT pg_sleep(0.5);\nCREATE TABLE "SlowMarker" ("id" INTEGER);\n');
      const first = await target.open();
      const second = await connect(first.schema);
      try {
        const results = await Promise.all([
          applyMigrations(first.session, { migrationsDir: dir }),
          applyMigrations(second.session, { migrationsDir: dir }),
        ]);
        const all = [...migrationNames, slow];
        expect(results.flatMap((result) => result.applied).sort()).toEqual([...all].sort());
        expect(results.map((result) => result.applied.length).sort()).toEqual([0, all.length]);
        expect(results.find((result) => result.applied.length === 0)?.alreadyApplied).toEqual(all);
        const rows = await migrationRows(first);
        expect(rows.map((row) => row.migration_name).sort()).toEqual([...all].sort());
        expect(rows.every((row) => row.finished_at !== null && row.applied_steps_count === 1)).toBe(true);
      } finally {
        await second.close();
        await first.close();
        await rm(dir, { recursive: true, force: true });
      }
    });
  }
});
