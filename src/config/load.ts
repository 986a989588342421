import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Static, TSchema } from 'typebox';
import { LineCounter, parseDocument, isMap, isSeq, type Node } from 'yaml';
import { VigilError, err, ok, type Result } from '../core/index.js';
import { applyEnv } from './env.js';
import { findProblems, isRecord, type ConfigProblem } from './problems.js';

export interface LoadOptions {
  /** Explicit file path (`--config`); otherwise `VIGIL_CONFIG`; otherwise no file (all defaults). */
  readonly path?: string | undefined;
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly cwd?: string;
}

export interface Loaded<T> {
  readonly config: T;
  /** The file that was read, if any. */
  readonly path: string | undefined;
}

/**
 * Reads, overrides from the environment, fills defaults and validates a config in one pass. On
 * failure the error's `details.problems` lists every problem at once, each with its path and line.
 */
export function loadConfig<S extends TSchema>(schema: S, options: LoadOptions = {}): Result<Loaded<Static<S>>> {
  const env = options.env ?? process.env;
  const given = options.path ?? env['VIGIL_CONFIG'];
  const path = given === undefined || given === '' ? undefined : resolve(options.cwd ?? process.cwd(), given);
  let raw: Record<string, unknown> = {};
  let lines: ReadonlyMap<string, number> = new Map();
  if (path !== undefined) {
    if (!existsSync(path)) {
      return err(new VigilError('config.not_found', `config file ${path} does not exist`, { hint: 'check the --config path or VIGIL_CONFIG; without a file Vigil uses defaults' }));
    }
    const parsed = parseYaml(readFileSync(path, 'utf8'), path);
    if (!parsed.ok) return parsed;
    raw = parsed.value.data;
    lines = parsed.value.lines;
  }
  return validateConfig(schema, raw, { env, path, lines });
}

interface ValidateOptions {
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly path?: string | undefined;
  readonly lines?: ReadonlyMap<string, number>;
}

/** Validates an already-parsed config value (env overrides applied first, then defaults). */
export function validateConfig<S extends TSchema>(schema: S, raw: Record<string, unknown>, options: ValidateOptions = {}): Result<Loaded<Static<S>>> {
  const working = structuredClone(raw);
  const envProblems = options.env === undefined ? [] : applyEnv(schema, working, options.env);
  const withDefaults = fillDefaults(schema as unknown as JsonSchema, working);
  const problems = [...envProblems, ...findProblems(schema, withDefaults)].map((p) => withLine(p, options.lines));
  if (problems.length > 0) return err(configError(problems, options.path));
  return ok({ config: deepFreeze(withDefaults) as Static<S>, path: options.path });
}

function withLine(problem: ConfigProblem, lines: ReadonlyMap<string, number> | undefined): ConfigProblem {
  if (lines === undefined) return problem;
  let path = problem.path;
  for (;;) {
    const line = lines.get(path);
    if (line !== undefined) return { ...problem, line };
    const cut = path.lastIndexOf('.');
    if (cut < 0) return problem;
    path = path.slice(0, cut);
  }
}

function configError(problems: readonly ConfigProblem[], path: string | undefined): VigilError {
  const where = path === undefined ? 'configuration' : path;
  const noun = problems.length === 1 ? 'problem' : 'problems';
  return new VigilError('config.invalid', `${where}: ${problems.length} ${noun}`, {
    hint: 'fix each listed key; `vigil config example` prints every key with its default',
    details: { problems },
  });
}

/** Formats problems one per line: `file:line path: message (hint)`. */
export function formatProblems(problems: readonly ConfigProblem[], file?: string): string {
  return problems
    .map((p) => {
      const where = file === undefined ? '' : `${file}${p.line === undefined ? '' : `:${p.line}`}: `;
      return `${where}${p.path}: ${p.message}${p.hint === undefined ? '' : ` (${p.hint})`}`;
    })
    .join('\n');
}

function parseYaml(text: string, path: string): Result<{ data: Record<string, unknown>; lines: Map<string, number> }> {
  const counter = new LineCounter();
  const document = parseDocument(text, { lineCounter: counter, prettyErrors: false });
  if (document.errors.length > 0) {
    const problems: ConfigProblem[] = document.errors.map((e) => ({
      path: '(yaml)',
      message: e.message.split('\n')[0] ?? e.message,
      line: counter.linePos(e.pos[0]).line,
    }));
    return err(configError(problems, path));
  }
  const data = document.toJS() as unknown;
  if (data !== null && data !== undefined && !isRecord(data)) {
    return err(configError([{ path: '(root)', message: 'must be a mapping of keys to values', line: 1 }], path));
  }
  const lines = new Map<string, number>();
  collectLines(document.contents, [], counter, lines);
  return ok({ data: (data ?? {}) as Record<string, unknown>, lines });
}

function collectLines(node: Node | null | undefined, path: string[], counter: LineCounter, out: Map<string, number>): void {
  if (isMap(node)) {
    for (const pair of node.items) {
      const key = pair.key as Node | null;
      const name = String((key as { value?: unknown } | null)?.value ?? key);
      const child = [...path, name];
      if (key?.range !== undefined && key.range !== null) out.set(child.join('.'), counter.linePos(key.range[0]).line);
      collectLines(pair.value as Node | null, child, counter, out);
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, index) => {
      const child = [...path, String(index)];
      const range = (item as Node | null)?.range;
      if (range !== undefined && range !== null) out.set(child.join('.'), counter.linePos(range[0]).line);
      collectLines(item as Node | null, child, counter, out);
    });
  }
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

type JsonSchema = Record<string, unknown>;

/**
 * Fills missing keys from schema defaults, descending into objects, arrays and the chosen branch of
 * a tagged union (`type: …`), which typebox's own default filler does not enter.
 */
function fillDefaults(schema: JsonSchema, value: unknown): unknown {
  let current = value === undefined && schema['default'] !== undefined ? structuredClone(schema['default']) : value;
  const anyOf = schema['anyOf'];
  if (Array.isArray(anyOf) && isRecord(current)) {
    const tag = current['type'];
    const branch = (anyOf as JsonSchema[]).find((b) => isRecord(b['properties']) && isRecord((b['properties'] as JsonSchema)['type']) && ((b['properties'] as Record<string, JsonSchema>)['type'] as JsonSchema)['const'] === tag);
    return branch === undefined ? current : fillDefaults(branch, current);
  }
  if (isRecord(current) && isRecord(schema['properties'])) {
    current = { ...current };
    for (const [name, child] of Object.entries(schema['properties'] as Record<string, JsonSchema>)) {
      const filled = fillDefaults(child, (current as Record<string, unknown>)[name]);
      if (filled !== undefined) (current as Record<string, unknown>)[name] = filled;
    }
  }
  if (Array.isArray(current) && isRecord(schema['items'])) current = current.map((item) => fillDefaults(schema['items'] as JsonSchema, item));
  return current;
}
