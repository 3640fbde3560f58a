#!/usr/bin/env node
// Command-line entry. Runs the compiled CLI (dist/, built by `npm install` / `npm run build`).
import { existsSync } from 'node:fs';
const compiled = new URL('../dist/main/entry/cli.js', import.meta.url);
if (!existsSync(compiled)) {
  process.stderr.write('novelty-labeler is not built yet: run "npm install" (or "npm run build") in its folder first.\n');
  process.exit(1);
}
await import(compiled.href);
