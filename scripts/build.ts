/**
 * `npm run build`: compiles the server, the CLI and the agent to JavaScript under `dist/`.
 *
 * - `dist/vigil.js` + `dist/chunks/`: the `vigil` command (server included), bundled by rolldown
 *   with code splitting. Command groups are loaded with `import()`, so each lands in its own chunk
 *   and a call loads only what it uses; our modules are marked side-effect free so that importing
 *   one name from a module's door does not load the whole module. (esbuild was tried first: its
 *   chunks follow every re-export of a door, so `vigil thing --help` loaded the whole server.)
 * - `dist/agent/vigil-agent.mjs`: the device agent as one self-contained file (scripts/build-agent.ts).
 *
 * JavaScript dependencies are compiled into the chunks: Node loads a few large files much faster than
 * hundreds of small CommonJS ones (fastify, mqtt-packet, @peculiar/x509, typebox; aedes then: `vigil up` imported its
 * modules in about 30 % less time, measured side by side). The package's runtime `dependencies` are
 * therefore only the native add-ons listed in EXTERNAL, loaded from node_modules with their binaries.
 * The licence of every package whose code is in a chunk goes to dist/THIRD-PARTY-LICENSES.txt.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rolldown } from 'rolldown';
import { buildAgent } from './build-agent.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');

/** Loaded from node_modules at run time (the package's `dependencies`): native add-ons (and, not imported, the DB-IP database file the geo lookup resolves). Everything else is in the chunks. */
export const EXTERNAL = ['better-sqlite3', '@duckdb/node-api'] as const;

/** Native helpers that bundled packages try to load and do without (cbor-x falls back to JavaScript). */
const OPTIONAL_NATIVE = ['cbor-extract', 'pg-native', 'bufferutil', 'utf-8-validate'] as const;


export interface BuildResult {
  readonly files: number;
  readonly bytes: number;
  readonly agentBytes: number;
}

const STAMP = join(dist, '.build-hash');

/** A hash of everything the CLI bundle is made from (sources, manifest, this script). */
function sourceHash(): string {
  const hash = createHash('sha256');
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (!entry.name.endsWith('.test.ts')) hash.update(relative(root, path)).update(readFileSync(path));
    }
  };
  walk(join(root, 'src'));
  for (const file of ['package.json', 'scripts/build.ts']) hash.update(file).update(readFileSync(join(root, file)));
  return hash.digest('hex');
}

/** Builds the CLI bundle unless `dist/` already holds one made from the current sources (tests call this). */
export async function buildIfStale(): Promise<boolean> {
  const hash = sourceHash();
  if (existsSync(STAMP) && existsSync(join(dist, 'vigil.js')) && readFileSync(STAMP, 'utf8') === hash) return false;
  await buildCli();
  writeFileSync(STAMP, hash);
  return true;
}

export async function buildAll(): Promise<BuildResult> {
  const hash = sourceHash();
  const cli = await buildCli();
  writeFileSync(STAMP, hash);
  const agent = await buildAgent();
  return { ...cli, agentBytes: agent.bytes };
}

async function buildCli(): Promise<Omit<BuildResult, 'agentBytes'>> {
  const external: readonly string[] = [...EXTERNAL, ...OPTIONAL_NATIVE];
  rmSync(STAMP, { force: true });
  rmSync(join(dist, 'vigil.js'), { force: true });
  rmSync(join(dist, 'chunks'), { recursive: true, force: true });
  mkdirSync(dist, { recursive: true });
  const src = `${join(root, 'src')}/`;
  const bundle = await rolldown({
    input: { vigil: join(root, 'src', 'cli', 'index.ts') },
    platform: 'node',
    external: (id) => id.startsWith('node:') || external.some((name) => id === name || id.startsWith(`${name}/`)),
    // Our own modules have no import side effects (STYLE: no registration by import), so unused ones are dropped.
    treeshake: { moduleSideEffects: (id, isExternal) => isExternal || !id.startsWith(src) },
    logLevel: 'warn',
  });
  const { output } = await bundle.write({ dir: dist, format: 'esm', entryFileNames: '[name].js', chunkFileNames: 'chunks/[name]-[hash].js' });
  await bundle.close();
  const modules = output.flatMap((o) => (o.type === 'chunk' ? o.moduleIds : []));
  writeFileSync(join(dist, 'THIRD-PARTY-LICENSES.txt'), thirdPartyLicenses(modules));
  const bytes = output.reduce((sum, o) => sum + (o.type === 'chunk' ? Buffer.byteLength(o.code) : 0), 0);
  return { files: output.length, bytes };
}

/** The licence texts of every package with code in the chunks (their notices travel with their code). */
function thirdPartyLicenses(moduleIds: readonly string[]): string {
  const packages = new Set<string>();
  for (const id of moduleIds) {
    const match = /^(.*\/node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(id.split('\\').join('/'));
    if (match !== null) packages.add(match[1] as string);
  }
  const parts = ["Vigil's dist/ chunks include code from these packages, each under its licence:\n"];
  for (const dir of [...packages].sort((a, b) => packageName(a).localeCompare(packageName(b)))) {
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name: string; version: string; license?: string | { type?: string } };
    const license = typeof pkg.license === 'object' ? (pkg.license.type ?? 'see the package') : (pkg.license ?? 'see the package');
    const file = readdirSync(dir).find((f) => /^(licen[cs]e|copying)(\.(md|txt|markdown))?$/i.test(f));
    if (file === undefined && !/^(MIT|ISC|BSD|Apache|0BSD|Unlicense|BlueOak)/.test(license)) throw new Error(`${pkg.name} has no licence file and the licence "${license}" is not a known permissive one: it cannot be bundled`);
    const text = file === undefined ? `(${pkg.name} ships no licence file; its package.json names the ${license} licence.)` : readFileSync(join(dir, file), 'utf8').trim();
    parts.push(`${'='.repeat(72)}\n${pkg.name} ${pkg.version} (${license})\n${'='.repeat(72)}\n${text}\n`);
  }
  return `${parts.join('\n')}\n`;
}

function packageName(dir: string): string {
  return dir.slice(dir.lastIndexOf('node_modules/') + 'node_modules/'.length);
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const started = Date.now();
  buildAll().then(
    ({ files, bytes, agentBytes }) => process.stdout.write(`built dist/vigil.js and ${files - 1} chunks (${Math.round(bytes / 1024)} KiB), dist/agent/vigil-agent.mjs (${Math.round(agentBytes / 1024)} KiB) in ${((Date.now() - started) / 1000).toFixed(1)} s\n`),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
