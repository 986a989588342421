import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

/** Module → layer, as in ARCHITECTURE.md §2. Imports may only point to a strictly lower layer. */
export const LAYERS: Readonly<Record<string, number>> = {
  core: 0,
  model: 1,
  config: 1,
  telemetry: 1,
  protocol: 2,
  store: 2,
  registry: 3,
  ingress: 3,
  detect: 3,
  audit: 3,
  rules: 3,
  notify: 3,
  stream: 3,
  siem: 3,
  respond: 3,
  agent: 3,
  sim: 3,
  cluster: 3,
  api: 4,
  resources: 5,
  app: 6,
  demo: 7,
  cli: 8,
};

/** Modules with a narrower allow-list than their layer gives them. */
export const ALLOWED_ONLY: Readonly<Record<string, readonly string[]>> = {
  // The agent ships alone to devices as one bundled file.
  agent: ['core', 'model', 'protocol', 'config'],
  core: [],
};

export interface Violation {
  readonly file: string;
  readonly line: number;
  readonly specifier: string;
  readonly rule: 'upward' | 'sideways' | 'inner-file' | 'unknown-module' | 'cycle' | 'not-allowed' | TextRule['rule'];
  readonly message: string;
}

/** A rule on what a file's code (comments do not count) may contain, for the files it applies to. */
export interface TextRule {
  readonly rule: 'arn-template' | 'self-inject' | 'engine-throws';
  /** Path below src/, with `/` separators. */
  applies(file: string): boolean;
  /** Line numbers of the offending places in `code` (comments blanked). */
  find(code: string): number[];
  readonly message: string;
}

export const TEXT_RULES: readonly TextRule[] = [
  {
    // ARNs are protocol's (src/protocol/aws/arns.ts): built from the configured region and account.
    rule: 'arn-template',
    applies: (file) => !file.startsWith('protocol/'),
    find: (code) => arnsOutsidePlainStrings(code),
    message: 'writes or matches an ARN by hand (a template or regex with arn:aws); use arns() / parseArn() from protocol',
  },
  {
    // The live feed and every route reach the engines directly or through a model port, never through the API itself.
    rule: 'self-inject',
    applies: (file) => file.startsWith('api/routes/'),
    find: (code) => linesMatching(code, /\.inject\(/g),
    message: 'a route calls its own API through app.inject; use the engine or a model port',
  },
  {
    // Engines return Result for expected failures and throw only for bugs (docs/architecture.md).
    rule: 'engine-throws',
    applies: (file) => (file.startsWith('detect/') && !file.startsWith('detect/ml/')) || file.startsWith('audit/'),
    find: (code) => linesMatching(code, /throw new VigilError\(/g),
    message: 'throws an expected failure; return it as a Result',
  },
];

const IMPORT_PATTERN = /(?:^|[\s;])(?:import|export)\s+(?:type\s+)?(?:[^'";]*?\s+from\s+)?['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/gm;

/** Every relative import under `srcRoot`, checked against the layering rules, plus file-level cycles. */
export function checkLayering(srcRoot: string): Violation[] {
  const root = resolve(srcRoot);
  const files = listSourceFiles(root);
  const violations: Violation[] = [];
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const from = relative(root, file).split(sep);
    const fromModule = from[0] ?? '';
    const edges: string[] = [];
    const text = stripComments(readFileSync(file, 'utf8'));
    const inSrc = relative(root, file).split(sep).join('/');
    if (!/\.test\.ts$/.test(file)) {
      for (const textRule of TEXT_RULES) {
        if (!textRule.applies(inSrc)) continue;
        for (const line of textRule.find(text)) violations.push({ file: relative(root, file), line, specifier: '', rule: textRule.rule, message: textRule.message });
      }
    }
    for (const match of text.matchAll(IMPORT_PATTERN)) {
      const specifier = match[1] ?? match[2] ?? '';
      if (!specifier.startsWith('.')) continue;
      const line = text.slice(0, match.index + (match[0].length - match[0].trimStart().length)).split('\n').length;
      const target = resolveImport(file, specifier);
      edges.push(target);
      const to = relative(root, target).split(sep);
      const toModule = to[0] ?? '';
      // Unit tests may use the shared test helpers under test/.
      if (toModule === '..' && /\.test\.ts$/.test(file)) continue;
      if (toModule === fromModule || to.length === 1) continue;
      const where = { file: relative(root, file), line, specifier };
      const fromLayer = LAYERS[fromModule];
      const toLayer = LAYERS[toModule];
      if (fromLayer === undefined || toLayer === undefined) {
        violations.push({ ...where, rule: 'unknown-module', message: `module "${fromLayer === undefined ? fromModule : toModule}" is not in the layer table` });
        continue;
      }
      if (!(to.length === 2 && /^index\.(ts|js)$/.test(to[1] ?? ''))) {
        violations.push({ ...where, rule: 'inner-file', message: `imports an inner file of ${toModule}; import ${toModule}/index.js instead` });
      }
      const allowed = ALLOWED_ONLY[fromModule];
      if (allowed !== undefined && !allowed.includes(toModule)) {
        violations.push({ ...where, rule: 'not-allowed', message: `${fromModule} may import only ${allowed.join(', ') || 'nothing'}` });
      } else if (toLayer > fromLayer) {
        violations.push({ ...where, rule: 'upward', message: `${fromModule} (layer ${fromLayer}) imports ${toModule} (layer ${toLayer})` });
      } else if (toLayer === fromLayer) {
        violations.push({ ...where, rule: 'sideways', message: `${fromModule} and ${toModule} are both layer ${fromLayer}; meet through a port in model` });
      }
    }
    graph.set(file, edges);
  }
  for (const cycle of findCycles(graph)) {
    violations.push({ file: relative(root, cycle[0] ?? ''), line: 0, specifier: '', rule: 'cycle', message: `import cycle: ${cycle.map((f) => relative(root, f)).join(' -> ')}` });
  }
  return violations;
}

function resolveImport(from: string, specifier: string): string {
  const base = resolve(dirname(from), specifier);
  const candidates = [base.replace(/\.js$/, '.ts'), base.replace(/\.js$/, '.tsx'), base, `${base}.ts`, join(base, 'index.ts')];
  for (const candidate of candidates) {
    try {
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // try the next form
    }
  }
  return base.replace(/\.js$/, '.ts');
}

function listSourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listSourceFiles(path));
    else if (/\.(ts|tsx|mts)$/.test(entry.name) && !entry.name.endsWith('.d.ts')) out.push(path);
  }
  return out.sort();
}

/** Cycles among files (type-only imports included: they still couple modules), each reported once. */
function findCycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const cycles: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const seen = new Set<string>();
  const visit = (node: string): void => {
    state.set(node, 'open');
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      if (!graph.has(next)) continue;
      const status = state.get(next);
      if (status === 'open') {
        const cycle = [...stack.slice(stack.indexOf(next)), next];
        const key = [...cycle.slice(0, -1)].sort().join('|');
        if (!seen.has(key)) {
          seen.add(key);
          cycles.push(cycle);
        }
      } else if (status === undefined) visit(next);
    }
    stack.pop();
    state.set(node, 'done');
  };
  for (const node of graph.keys()) if (!state.has(node)) visit(node);
  return cycles;
}

function linesMatching(code: string, pattern: RegExp): number[] {
  return [...code.matchAll(pattern)].map((m) => code.slice(0, m.index).split('\n').length);
}

/**
 * Lines where `arn:aws` stands in a template literal or in code (a regex literal), not in a plain
 * '…' or "…" string (an example in a message). Strings are tracked by their quotes; a quote in a
 * regex literal can mislead it, but only on that line for '…' and "…".
 */
function arnsOutsidePlainStrings(code: string): number[] {
  const lines: number[] = [];
  let quote: string | undefined;
  let line = 1;
  for (let i = 0; i < code.length; i++) {
    const c = code[i] as string;
    if (c === '\n') {
      line++;
      if (quote === "'" || quote === '"') quote = undefined;
      continue;
    }
    if (quote !== undefined && c === '\\') {
      i++;
      continue;
    }
    if (quote === undefined && (c === "'" || c === '"' || c === '`')) quote = c;
    else if (quote === c) quote = undefined;
    else if (code.startsWith('arn:aws', i) && (quote === undefined || quote === '`')) lines.push(line);
  }
  return lines;
}

/** Blanks out comments (keeping newlines, so line numbers stay right) so that prose never reads as an import. */
function stripComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*/g, (comment) => comment.replace(/[^\n]/g, ' '));
}

/** A route handler's result typed as a bag of anything: the route's answer must be its contract's type instead. */
export interface RouteResultViolation {
  readonly file: string;
  readonly line: number;
  readonly text: string;
}

const UNTYPED_RESULT = /\)\s*:\s*(?:Promise<\s*)?Record<string,\s*unknown>\s*>?\s*(?:\{|=>)|:\s*Record<string,\s*unknown>\s*=\s*\{/;

/** Every `Record<string, unknown>` function result or built body under `api/routes/` (route results come from `api/contract`). */
export function checkRouteResults(srcRoot: string): RouteResultViolation[] {
  const root = resolve(srcRoot, 'api', 'routes');
  const found: RouteResultViolation[] = [];
  for (const file of listSourceFiles(root)) {
    const lines = stripComments(readFileSync(file, 'utf8')).split('\n');
    lines.forEach((text, i) => {
      if (UNTYPED_RESULT.test(text)) found.push({ file: relative(resolve(srcRoot), file), line: i + 1, text: text.trim() });
    });
  }
  return found;
}
