import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkLayering, checkRouteResults } from './layering.js';

const srcRoot = fileURLToPath(new URL('../../src', import.meta.url));
const fixtureRoot = fileURLToPath(new URL('../fixtures/layering-violation/src', import.meta.url));

describe('module layering (ARCHITECTURE.md §2)', () => {
  it('finds no upward, sideways, inner-file or cyclic import, and no broken text rule, under src/', () => {
    const violations = checkLayering(srcRoot);
    expect(violations.map((v) => `${v.file}:${v.line} ${v.rule}: ${v.message}`)).toEqual([]);
  });

  it('catches each kind of violation in the fixture tree', () => {
    const violations = checkLayering(fixtureRoot);
    const found = violations.map((v) => `${v.file} ${v.rule}`).sort();
    expect(found).toEqual(
      [
        'agent/index.ts not-allowed',
        'api/index.ts inner-file',
        'api/routes/live.ts self-inject',
        'core/index.ts not-allowed',
        'detect/index.ts engine-throws',
        'registry/helper.ts cycle',
        'registry/index.ts sideways',
        'stream/index.ts arn-template',
      ].sort(),
    );
  });

  it('names the line of a text-rule violation, and leaves an ARN in a plain message string alone', () => {
    const arn = checkLayering(fixtureRoot).filter((v) => v.rule === 'arn-template');
    expect(arn.map((v) => [v.file, v.line])).toEqual([['stream/index.ts', 2]]);
    expect(arn[0]?.message).toContain('protocol');
  });

  it('names file, line and module in each violation message', () => {
    const sideways = checkLayering(fixtureRoot).find((v) => v.rule === 'sideways');
    expect(sideways).toMatchObject({ file: 'registry/index.ts', line: 2, specifier: '../ingress/index.js' });
    expect(sideways?.message).toContain('registry and ingress are both layer 3');
  });

  it('every module door opens with a paragraph saying what it is for', async () => {
    const { readdirSync, readFileSync, existsSync } = await import('node:fs');
    const missing: string[] = [];
    for (const entry of readdirSync(srcRoot, { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      const door = `${srcRoot}/${entry.name}/index.ts`;
      if (!existsSync(door) || !readFileSync(door, 'utf8').trimStart().startsWith('/**')) missing.push(entry.name);
    }
    expect(missing).toEqual([]);
  });

  it('no route result is Record<string, unknown>: routes answer their contract types (src/api/contract)', () => {
    expect(checkRouteResults(srcRoot).map((v) => `${v.file}:${v.line} ${v.text}`)).toEqual([]);
  });

  it('catches an untyped route result in the fixture tree, as a return type and as a built body', () => {
    expect(checkRouteResults(fixtureRoot).map((v) => `${v.file}:${v.line}`)).toEqual(['api/routes/untyped-result.ts:2', 'api/routes/untyped-result.ts:6', 'api/routes/untyped-result.ts:7']);
  });
});
