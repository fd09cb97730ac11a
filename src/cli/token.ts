import process from 'node:process';
import { parseArgs } from 'node:util';
import { createToken, revokeToken, SCOPES, type Scope } from '../auth/tokens.js';
import { CliError, errorMessage, openConfiguredDatabase } from './database.js';

const USAGE = `Usage:
  npm run token -- create --name <name> --scope read|write|admin [--expires-in-days N]
  npm run token -- list
  npm run token -- revoke --name <name>`;

function scopeOf(value: string | undefined): Scope {
  const scope = SCOPES.find((candidate) => candidate === value);
  if (!scope) throw new CliError(`--scope must be one of ${SCOPES.join(', ')} (write includes read; admin includes both)`);
  return scope;
}

async function main() {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { name: { type: 'string' }, scope: { type: 'string' }, 'expires-in-days': { type: 'string' }, help: { type: 'boolean' } },
  });
  const [command] = positionals;
  if (values.help || !command || !['create', 'list', 'revoke'].includes(command)) {
    process.stderr.write(`${USAGE}\n`);
    process.exit(values.help ? 0 : 2);
  }
  const { db, description } = await openConfiguredDatabase();
  try {
    if (command === 'create') {
      if (!values.name) throw new CliError('--name is required: it is what the audit log records as the writer');
      const scope = scopeOf(values.scope);
      const days = values['expires-in-days'] === undefined ? undefined : Number(values['expires-in-days']);
      if (days !== undefined && !(Number.isInteger(days) && days > 0)) throw new CliError('--expires-in-days must be a positive whole number');
      if (await db.prisma.apiToken.findUnique({ where: { name: values.name } })) throw new CliError(`A token named "${values.name}" already exists`);
      const token = await createToken(db.prisma, values.name, [scope], days ? new Date(Date.now() + days * 86_400_000) : undefined);
      process.stderr.write(`Created token "${values.name}" (${scope}) in ${description}. It is shown once; only its hash is stored:\n`);
      process.stdout.write(`${token}\n`);
    } else if (command === 'list') {
      const tokens = await db.prisma.apiToken.findMany({ orderBy: { createdAt: 'asc' } });
      for (const token of tokens) {
        const state = token.revokedAt ? `revoked ${token.revokedAt.toISOString()}` : token.expiresAt ? `expires ${token.expiresAt.toISOString()}` : 'active';
        process.stdout.write(`${token.name}\t${token.scopes.join(',')}\t${state}\tlast used ${token.lastUsedAt?.toISOString() ?? 'never'}\n`);
      }
      if (tokens.length === 0) process.stderr.write(`No tokens in ${description}.\n`);
    } else {
      if (!values.name) throw new CliError('--name is required');
      if (!(await revokeToken(db.prisma, values.name))) throw new CliError(`No active token named "${values.name}"`);
      process.stderr.write(`Revoked "${values.name}".\n`);
    }
  } finally {
    await db.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof CliError ? error.message : errorMessage(error)}\n`);
  process.exit(1);
});
