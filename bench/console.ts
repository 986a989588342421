/**
 * `npm run bench -- console`: the console's initial JS: builds `web/` into `dist/web` (production)
 * and measures the chunks `index.html` loads before anything else (its module scripts and
 * modulepreload links), raw and gzip level 9. Budget (issue 27): at most 150 KB gzip.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { BenchContext, BenchReport } from './types.js';

const BUDGET_KB = 150;

/** The entry chunks `dist/web/index.html` loads, relative to dist/web. */
export function entryChunks(html: string): string[] {
  return [...html.matchAll(/<script[^>]*\bsrc="\/ui\/([^"]+\.js)"|<link[^>]*rel="modulepreload"[^>]*href="\/ui\/([^"]+\.js)"/g)].map((m) => (m[1] ?? m[2]) as string);
}

export default async function consoleSize(context: BenchContext): Promise<BenchReport> {
  context.progress('building the console (vite, production)');
  execFileSync('npx', ['vite', 'build', '--config', 'web/vite.config.ts', '--logLevel', 'warn'], { stdio: 'inherit', env: { ...process.env, NODE_ENV: 'production' } });
  const chunks = entryChunks(readFileSync('dist/web/index.html', 'utf8'));
  const rows = chunks.map((chunk) => {
    const bytes = readFileSync(join('dist/web', chunk));
    return [chunk.replace(/-[\w-]{8}\.js$/, '.js'), (statSync(join('dist/web', chunk)).size / 1024).toFixed(1), (gzipSync(bytes, { level: 9 }).length / 1024).toFixed(1)];
  });
  const gzip = rows.reduce((sum, r) => sum + Number(r[2]), 0);
  rows.push(['total initial JS', rows.reduce((sum, r) => sum + Number(r[1]), 0).toFixed(1), gzip.toFixed(1)]);
  return {
    columns: ['chunk', 'KB', 'KB gzip -9'],
    rows,
    notes: [`Budget: initial JS <= ${BUDGET_KB} KB gzip (issue 27): ${gzip <= BUDGET_KB ? 'met' : 'NOT met'}. test/e2e/search.test.ts checks the same figure.`, 'Preact + signals + uPlot and every page in one entry chunk; no page is lazy-loaded while the whole console stays well under the budget.'],
  };
}
