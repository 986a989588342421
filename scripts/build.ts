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
 * npm dependencies stay external (installed beside the package) except the few listed in BUNDLED:
 * pure-JavaScript packages made of hundreds of small files, which cost far more to load one file at
 * a time than as part of a chunk. Their licences go to dist/THIRD-PARTY-LICENSES.txt.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rolldown } from 'rolldown';
import { buildAgent } from './build-agent.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');

/** Packages compiled into the chunks (devDependencies of the package, since nothing loads them from node_modules at run time). */
export const BUNDLED = ['typebox', 'kysely'] as const;

const LICENSE_FILES = ['LICENSE', 'LICENSE.md', 'LICENSE.txt', 'license', 'license.md'];


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
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
  const external = Object.keys(manifest.dependencies ?? {}).filter((name) => !(BUNDLED as readonly string[]).includes(name));
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
  writeFileSync(join(dist, 'THIRD-PARTY-LICENSES.txt'), thirdPartyLicenses());
  const bytes = output.reduce((sum, o) => sum + (o.type === 'chunk' ? Buffer.byteLength(o.code) : 0), 0);
  return { files: output.length, bytes };
}

/** The licence texts of the bundled packages (their notices must travel with their code). */
function thirdPartyLicenses(): string {
  const parts = ['Vigil\'s dist/ chunks include code from these packages, under their licences:\n'];
  for (const name of BUNDLED) {
    const dir = join(root, 'node_modules', name);
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string; license?: string };
    const file = LICENSE_FILES.map((f) => join(dir, f)).find((f) => existsSync(f));
    if (file === undefined) throw new Error(`bundled package ${name} has no licence file; it cannot be bundled`);
    parts.push(`${'='.repeat(72)}\n${name} ${pkg.version} (${pkg.license ?? 'see below'})\n${'='.repeat(72)}\n${readFileSync(file, 'utf8').trim()}\n`);
  }
  return `${parts.join('\n')}\n`;
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
