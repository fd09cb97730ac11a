// `npm start`: runs the service compiled to JavaScript (dist/start/main.js, the bundle of dist/main.js), in this process.
// - dist/ is built by `npm install` (scripts/build.mjs); if src/ changed since, it is rebuilt first (tsc, then the bundle: a few seconds).
// - With no TypeScript to build it (a production install without dev dependencies, or no dist/ at all and
//   no compiler), src/ runs through tsx, as `npm run dev` does: slower to start, same service.
// - On Node.js 22.1+ V8's compile cache (node_modules/.cache/fact-service) makes later starts parse less.
import { existsSync } from 'node:fs';
import module from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { BUNDLE, buildDist, DIST, distIsFresh, ROOT, typescriptCompiler } from './build.mjs';

if (!process.env.NODE_COMPILE_CACHE) module.enableCompileCache?.(join(ROOT, 'node_modules', '.cache', 'fact-service'));

let fresh = await distIsFresh();
if (!fresh && typescriptCompiler()) {
  process.stderr.write('src/ changed since dist/ was built: building it again\n');
  fresh = await buildDist({ quiet: true });
}
if (fresh) {
  // The bundle (one module instead of ~800: less CPU to load) when the build made one, else the compiled files.
  const entry = existsSync(join(DIST, BUNDLE)) ? join(DIST, BUNDLE) : join(DIST, 'main.js');
  await import(pathToFileURL(entry).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import(pathToFileURL(join(ROOT, 'src', 'main.ts')).href);
}
