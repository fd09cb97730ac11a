// PostGraphile 5 on the same tables (Amber preset, simplified inflection, connection-filter), served by
// grafserv on node:http. Plain JavaScript: it runs on the benchmark's own dependency tree
// (bench/node_modules), which the service's typecheck does not see.
//
// Env: DATABASE_URL, PORT, POOL_MAX (default 10).
import { createServer } from 'node:http';
import { PgSimplifyInflectionPreset } from '@graphile/simplify-inflection';
import pg from 'pg';
import { makePgService } from 'postgraphile/adaptors/pg';
import { grafserv } from 'postgraphile/grafserv/node';
import { PostGraphileAmberPreset } from 'postgraphile/presets/amber';
import { postgraphile } from 'postgraphile';
import { addPgTableOrderBy, orderByAscDesc } from 'postgraphile/utils';
import { PostGraphileConnectionFilterPreset } from 'postgraphile-plugin-connection-filter';

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.POOL_MAX ?? 10) });
pool.on('error', () => {});

// Our order is "newest first, undated last" and "oldest first, undated first": PostGraphile's generated
// SAID_ON_ASC/DESC leave nulls where PostgreSQL puts them, so we add the two orders explicitly.
const StatementOrders = addPgTableOrderBy({ schemaName: 'public', tableName: 'Statement' }, () => ({
  ...orderByAscDesc('SAID_ON_UNDATED_LAST', 'saidOn', { nulls: 'last' }),
  ...orderByAscDesc('SAID_ON_UNDATED_FIRST', 'saidOn', { nulls: 'first' }),
}));

// Actors are listed by name (NAME_ASC): Amber offers that order because "Actor_name_id_idx" indexes the
// column (migration 20261130100000). Before that index, this file added the order itself.

const preset = {
  extends: [PostGraphileAmberPreset, PgSimplifyInflectionPreset, PostGraphileConnectionFilterPreset],
  plugins: [StatementOrders],
  pgServices: [makePgService({ pool, schemas: ['public'] })],
  schema: { connectionFilterRelations: true, connectionFilterAllowNullInput: false },
  grafserv: { graphqlPath: '/graphql', watch: false, graphiql: false, maxRequestLength: 1_000_000 },
  grafast: { explain: false },
};

const pgl = postgraphile(preset);
const serv = pgl.createServ(grafserv);
const server = createServer();
serv.addTo(server).catch((error) => {
  process.stderr.write(`${error.stack}\n`);
  process.exit(1);
});
// Build the schema before declaring readiness, so the warm-up does not time the introspection.
await pgl.getSchema();
server.listen(Number(process.env.PORT ?? 4103), '127.0.0.1', () => process.stdout.write('ready\n'));
process.once('SIGTERM', () => {
  server.close();
  void pgl.release().then(() => pool.end()).then(() => process.exit(0));
});
