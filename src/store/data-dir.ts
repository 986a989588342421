import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync, renameSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { VigilError } from '../core/index.js';

/** The data directory's layout. */
export interface DataDir {
  readonly root: string;
  readonly registryPath: string;
  readonly eventsPath: string;
  readonly secretsDir: string;
  readonly runDir: string;
  readonly endpointsPath: string;
}

export function dataDirLayout(root: string): DataDir {
  const absolute = resolve(root);
  return {
    root: absolute,
    registryPath: join(absolute, 'registry.sqlite'),
    eventsPath: join(absolute, 'events.duckdb'),
    secretsDir: join(absolute, 'secrets'),
    runDir: join(absolute, 'run'),
    endpointsPath: join(absolute, 'run', 'endpoints.json'),
  };
}

/** Creates the data directory (0700), `secrets/` (0700) and `run/`; tightens secrets/ if it was loose. */
export function ensureDataDir(root: string): DataDir {
  const layout = dataDirLayout(root);
  mkdirSync(layout.root, { recursive: true, mode: 0o700 });
  mkdirSync(layout.secretsDir, { recursive: true, mode: 0o700 });
  mkdirSync(layout.runDir, { recursive: true, mode: 0o755 });
  if ((statSync(layout.secretsDir).mode & 0o077) !== 0) chmodSync(layout.secretsDir, 0o700);
  return layout;
}

export interface SecretFile {
  readonly path: string;
  readonly value: string;
  /** True when this call created the file. */
  readonly created: boolean;
}

/** Reads `secrets/<name>`, or creates it (mode 0600, never readable by others) with `generate()`. */
export function readOrCreateSecret(layout: DataDir, name: string, generate: () => string): SecretFile {
  const path = join(layout.secretsDir, name);
  if (existsSync(path)) {
    const mode = statSync(path).mode & 0o777;
    if ((mode & 0o077) !== 0) chmodSync(path, 0o600);
    const value = readFileSync(path, 'utf8').trim();
    if (value === '') throw new VigilError('store.secret_empty', `secret file ${path} is empty`, { hint: 'delete it to have a new one generated at the next start' });
    return { path, value, created: false };
  }
  const value = generate();
  writeSecret(path, value);
  return { path, value, created: true };
}

/** Writes a secret atomically with mode 0600. */
export function writeSecret(path: string, value: string): void {
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, `${value}\n`, { mode: 0o600, flag: 'w' });
  chmodSync(temporary, 0o600);
  renameSync(temporary, path);
}
