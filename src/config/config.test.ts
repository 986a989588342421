import { writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { Type } from 'typebox';
import { parse } from 'yaml';
import { tempDir } from '../../test/support/temp.js';
import { envOverrides, formatProblems, listenAddress, loadConfig, parseListen, renderExample, section, validateConfig, type ConfigProblem } from './index.js';

const schema = Type.Object(
  {
    data_dir: Type.String({ default: './data', description: 'Where data lives.' }),
    api: section({ listen: listenAddress('127.0.0.1:8080', 'API address.'), body_limit_bytes: Type.Integer({ minimum: 1024, default: 4096 }) }, 'The API.'),
    detect: section({ export_interval_secs: Type.Integer({ minimum: 1, default: 60 }), enabled: Type.Boolean({ default: true }), tags: Type.Array(Type.String(), { default: [] }) }, 'Detect.'),
    store: section(
      {
        registry: Type.Union(
          [
            Type.Object({ type: Type.Literal('sqlite') }, { additionalProperties: false }),
            Type.Object({ type: Type.Literal('postgres'), url: Type.String({ minLength: 1 }) }, { additionalProperties: false }),
          ],
          { default: { type: 'sqlite' } },
        ),
      },
      'Stores.',
    ),
  },
  { additionalProperties: false },
);

const dir = tempDir();
afterAll(() => dir.remove());

function problemsOf(result: ReturnType<typeof validateConfig>): ConfigProblem[] {
  if (result.ok) throw new Error('expected problems');
  return result.error.details?.['problems'] as ConfigProblem[];
}

describe('loadConfig', () => {
  it('gives every default when there is no file', () => {
    const result = loadConfig(schema, { env: {} });
    expect(result.ok && result.value.config).toEqual({
      data_dir: './data',
      api: { listen: '127.0.0.1:8080', body_limit_bytes: 4096 },
      detect: { export_interval_secs: 60, enabled: true, tags: [] },
      store: { registry: { type: 'sqlite' } },
    });
    expect(result.ok && Object.isFrozen(result.value.config.api)).toBe(true);
  });

  it('reports three distinct mistakes at once, each with its path and line', () => {
    const path = `${dir.path}/three.yaml`;
    writeFileSync(path, ['data_dir: ./x', 'api:', '  listen: "nowhere"', '  lisen: 1', 'detect:', '  export_interval_secs: 0', ''].join('\n'));
    const result = loadConfig(schema, { path, env: {} });
    expect(result.ok).toBe(false);
    const problems = result.ok ? [] : (result.error.details?.['problems'] as ConfigProblem[]);
    expect(problems.map((p) => [p.path, p.line])).toEqual([
      ['api.lisen', 4],
      ['api.listen', 3],
      ['detect.export_interval_secs', 6],
    ]);
    expect(problems[0]?.message).toBe('unknown key');
    expect(problems[0]?.hint).toBe('expected one of: listen, body_limit_bytes');
    expect(problems[2]?.message).toBe('must be >= 1');
    expect(formatProblems(problems, 'three.yaml')).toContain('three.yaml:3: api.listen: "nowhere" is not in the expected form');
  });

  it('rejects unknown top-level keys', () => {
    expect(problemsOf(validateConfig(schema, { apii: {} }))).toEqual([{ path: 'apii', message: 'unknown key', hint: 'expected one of: data_dir, api, detect, store' }]);
  });

  it('reports a bad union tag once, listing the allowed variants', () => {
    expect(problemsOf(validateConfig(schema, { store: { registry: { type: 'mysql' } } }))).toEqual([
      { path: 'store.registry.type', message: '"mysql" is not a known type', hint: 'one of: sqlite, postgres' },
    ]);
  });

  it('reports only the chosen variant\'s problems in a tagged union', () => {
    expect(problemsOf(validateConfig(schema, { store: { registry: { type: 'postgres' } } }))).toEqual([{ path: 'store.registry.url', message: 'is required' }]);
  });

  it('applies VIGIL_* environment overrides with the leaf type, env winning over the file', () => {
    const path = `${dir.path}/env.yaml`;
    writeFileSync(path, 'api:\n  listen: 127.0.0.1:1\n');
    const result = loadConfig(schema, {
      path,
      env: { VIGIL_API_LISTEN: '127.0.0.1:9000', VIGIL_DETECT_EXPORT_INTERVAL_SECS: '30', VIGIL_DETECT_ENABLED: 'false', VIGIL_DETECT_TAGS: 'a, b', VIGIL_DATA_DIR: '/srv/vigil', VIGIL_UNRELATED: 'x' },
    });
    expect(result.ok).toBe(true);
    const config = result.ok ? result.value.config : undefined;
    expect(config?.api.listen).toBe('127.0.0.1:9000');
    expect(config?.detect).toEqual({ export_interval_secs: 30, enabled: false, tags: ['a', 'b'] });
    expect(config?.data_dir).toBe('/srv/vigil');
  });

  it('says which environment variable could not be read', () => {
    const problems = problemsOf(validateConfig(schema, {}, { env: { VIGIL_DETECT_EXPORT_INTERVAL_SECS: 'soon' } }));
    expect(problems[0]?.path).toBe('detect.export_interval_secs');
    expect(problems[0]?.message).toContain('VIGIL_DETECT_EXPORT_INTERVAL_SECS="soon"');
  });

  it('derives one environment variable per leaf, through unions', () => {
    expect(envOverrides(schema).map((o) => o.variable)).toEqual([
      'VIGIL_DATA_DIR',
      'VIGIL_API_LISTEN',
      'VIGIL_API_BODY_LIMIT_BYTES',
      'VIGIL_DETECT_EXPORT_INTERVAL_SECS',
      'VIGIL_DETECT_ENABLED',
      'VIGIL_DETECT_TAGS',
      'VIGIL_STORE_REGISTRY_TYPE',
      'VIGIL_STORE_REGISTRY_URL',
    ]);
  });

  it('names a missing file and reports YAML syntax errors with a line', () => {
    const missing = loadConfig(schema, { path: `${dir.path}/nope.yaml`, env: {} });
    expect(missing.ok ? '' : missing.error.code).toBe('config.not_found');
    const path = `${dir.path}/broken.yaml`;
    writeFileSync(path, 'api:\n  listen: [unclosed\n');
    const broken = loadConfig(schema, { path, env: {} });
    const problems = broken.ok ? [] : (broken.error.details?.['problems'] as ConfigProblem[]);
    expect(problems[0]?.path).toBe('(yaml)');
    expect(problems[0]?.line).toBeGreaterThan(0);
  });

  it('takes the file from VIGIL_CONFIG when no path is given', () => {
    const path = `${dir.path}/from-env.yaml`;
    writeFileSync(path, 'data_dir: /from/env\n');
    const result = loadConfig(schema, { env: { VIGIL_CONFIG: path } });
    expect(result.ok && result.value.config.data_dir).toBe('/from/env');
  });
});

describe('renderExample', () => {
  it('renders a YAML file that parses back to exactly the defaults', () => {
    const text = renderExample(schema, 'example');
    expect(text).toContain('# Where data lives.');
    const parsed = parse(text) as Record<string, unknown>;
    const defaults = validateConfig(schema, {});
    expect(parsed).toEqual(defaults.ok ? JSON.parse(JSON.stringify(defaults.value.config)) : undefined);
    expect(text).toContain('# alternative:');
  });
});

describe('parseListen', () => {
  it('splits IPv4, names and bracketed IPv6', () => {
    expect(parseListen('127.0.0.1:8080')).toEqual({ host: '127.0.0.1', port: 8080 });
    expect(parseListen('[::1]:0')).toEqual({ host: '::1', port: 0 });
    expect(parseListen('localhost:8883')).toEqual({ host: 'localhost', port: 8883 });
  });
});
