#!/usr/bin/env node
// Thin launcher: the CLI is compiled to dist/ by `npm ci` (the prepare script).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const main = new URL('../dist/cli/run.js', import.meta.url);
if (!existsSync(fileURLToPath(main))) {
  process.stderr.write('hwnas: not built yet: run `npm run build` (npm ci does it for you)\n');
  process.exit(2);
}
await import(main.href);
