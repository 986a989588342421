import { dirname, isAbsolute, resolve } from 'node:path';
import { VigilError, err, ok, type Result } from '../core/index.js';
import { formatProblems, loadConfig, validateConfig, type ConfigProblem } from '../config/index.js';
import { vigilConfigSchema, type VigilConfig } from './config-schema.js';

export interface LoadedVigilConfig {
  readonly config: VigilConfig;
  /** The config file read, if any. */
  readonly path: string | undefined;
  /** `data_dir` made absolute. */
  readonly dataDir: string;
}

/** Loads `vigil.yaml` (from `path`, else VIGIL_CONFIG, else defaults) with env overrides. */
export function loadVigilConfig(path: string | undefined, env: Readonly<Record<string, string | undefined>> = process.env): Result<LoadedVigilConfig> {
  const loaded = loadConfig(vigilConfigSchema, { path, env });
  if (!loaded.ok) {
    const problems = (loaded.error.details?.['problems'] ?? []) as ConfigProblem[];
    const file = path ?? env['VIGIL_CONFIG'];
    return err(new VigilError(loaded.error.code, loaded.error.message, {
      ...(loaded.error.hint === undefined ? {} : { hint: loaded.error.hint }),
      details: { problems, formatted: formatProblems(problems, file) },
    }));
  }
  const base = loaded.value.path === undefined ? process.cwd() : dirname(loaded.value.path);
  const dataDir = isAbsolute(loaded.value.config.data_dir) ? loaded.value.config.data_dir : resolve(base, loaded.value.config.data_dir);
  return ok({ config: loaded.value.config, path: loaded.value.path, dataDir });
}

/** Validates an in-memory config (tests, `vigil up --demo` overrides); `data_dir` resolved from the working directory. */
export function validateVigilConfig(raw: Record<string, unknown>, env: Readonly<Record<string, string | undefined>> = {}): LoadedVigilConfig {
  const validated = validateConfig(vigilConfigSchema, raw, { env });
  if (!validated.ok) {
    const problems = (validated.error.details?.['problems'] ?? []) as ConfigProblem[];
    throw new VigilError(validated.error.code, `${validated.error.message}\n${formatProblems(problems)}`);
  }
  const dataDir = resolve(process.cwd(), validated.value.config.data_dir);
  return { config: validated.value.config, path: undefined, dataDir };
}
