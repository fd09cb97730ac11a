import process from 'node:process';
import { seed } from '../bundle/seed.js';
import { CliError, errorMessage, openConfiguredDatabase } from './database.js';

/** `npm run seed`: loads prisma/seed/*.bundle.json into the configured database (idempotent). */
async function main() {
  const { db, description } = await openConfiguredDatabase();
  try {
    for (const { file, report } of await seed(db.prisma)) {
      const line = (['sources', 'actors', 'affiliations', 'claims', 'statements', 'stances'] as const)
        .map((type) => `${type} +${report[type].created} ~${report[type].updated} =${report[type].unchanged}`)
        .join(', ');
      process.stdout.write(`${file} -> ${description}: ${line}\n`);
    }
  } finally {
    await db.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof CliError ? error.message : errorMessage(error)}\n`);
  process.exit(1);
});
