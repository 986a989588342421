#!/usr/bin/env node
// Runs the compiled CLI (`npm run build` writes dist/; `npm ci` and `npm pack` run it through `prepare`).
import { existsSync } from 'node:fs';

const entry = new URL('../dist/vigil.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('vigil: dist/vigil.js is missing: this checkout is not built.\nhint: run `npm run build` (or `npm ci`, which builds through `prepare`)\n');
  process.exit(70);
}
const { main } = await import(entry.href);
await main(process.argv);
