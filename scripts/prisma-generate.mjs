// `prisma generate` never runs the schema engine, but the CLI insists on finding one before it starts.
// Offline (CI, firewalled installs) it cannot download it, so point it at any existing file unless the
// user has configured a real engine.
import { spawnSync } from 'node:child_process';
import { delimiter, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const env = { ...process.env, PRISMA_HIDE_UPDATE_MESSAGE: '1' };
env.PRISMA_SCHEMA_ENGINE_BINARY ||= fileURLToPath(import.meta.url);
env.PATH = [resolve('node_modules/.bin'), env.PATH].join(delimiter);
const result = spawnSync(process.execPath, ['node_modules/prisma/build/index.js', 'generate', ...process.argv.slice(2)], {
  env,
  stdio: 'inherit',
});
process.exit(result.status ?? 1);
