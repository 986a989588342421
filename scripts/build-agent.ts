/**
 * `npm run build:agent`: bundles the device agent (src/agent/bin.ts) and its dependencies into one
 * ESM file, `dist/agent/vigil-agent.mjs`, that runs with plain `node` (>= 20) and nothing installed.
 */
import { mkdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

export interface BuildAgentResult {
  readonly outfile: string;
  readonly bytes: number;
}

export async function buildAgent(outfile = join(root, 'dist', 'agent', 'vigil-agent.mjs')): Promise<BuildAgentResult> {
  mkdirSync(dirname(outfile), { recursive: true });
  await build({
    entryPoints: [join(root, 'src', 'agent', 'bin.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    minify: true,
    legalComments: 'none',
    logLevel: 'warning',
    // cbor-x loads its optional native helper with require(); a device has none, and cbor-x falls back to pure JS.
    external: ['cbor-extract'],
    // CommonJS dependencies (commander, mqtt's helpers) call require() for Node built-ins.
    banner: { js: "#!/usr/bin/env node\nimport { createRequire as __vigilCreateRequire } from 'node:module';\nconst require = __vigilCreateRequire(import.meta.url);" },
  });
  return { outfile, bytes: statSync(outfile).size };
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  buildAgent().then(
    ({ outfile, bytes }) => process.stdout.write(`wrote ${outfile} (${Math.round(bytes / 1024)} KiB)\n`),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
