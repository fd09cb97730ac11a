import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { printedBundleSchema } from '../src/bundle/json-schema.js';

export const BUNDLE_SCHEMA_FILE = fileURLToPath(new URL('../schema/fact-bundle.schema.json', import.meta.url));

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const printed = printedBundleSchema();
  if (process.argv.includes('--check')) {
    const committed = await readFile(BUNDLE_SCHEMA_FILE, 'utf8').catch(() => '');
    if (committed !== printed) {
      process.stderr.write('schema/fact-bundle.schema.json is stale: run `npm run bundle-schema:print` and commit the result.\n');
      process.exit(1);
    }
    process.stdout.write('schema/fact-bundle.schema.json is up to date.\n');
  } else {
    await mkdir(dirname(BUNDLE_SCHEMA_FILE), { recursive: true });
    await writeFile(BUNDLE_SCHEMA_FILE, printed);
    process.stdout.write(`wrote ${BUNDLE_SCHEMA_FILE}\n`);
  }
}
