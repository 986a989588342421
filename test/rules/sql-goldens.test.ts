import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { evaluateRule, parsePayload, parseRuleSql, topicMatcher, type SqlContext } from '../../src/rules/index.js';

interface Golden {
  readonly name: string;
  readonly sql: string;
  readonly topic?: string;
  readonly clientId?: string;
  readonly payload?: unknown;
  readonly payloadText?: string;
  readonly output?: unknown;
  readonly outputText?: string;
  readonly error?: { readonly code: string; readonly position: number };
}

const goldens = parse(readFileSync(new URL('./sql-goldens.yaml', import.meta.url), 'utf8')) as Golden[];
const encoder = new TextEncoder();

describe('rule SQL goldens (test/rules/sql-goldens.yaml)', () => {
  it('has at least 30 cases', () => {
    expect(goldens.length).toBeGreaterThanOrEqual(30);
  });

  for (const golden of goldens) {
    it(golden.name, () => {
      const parsed = parseRuleSql(golden.sql);
      if (golden.error !== undefined) {
        expect(parsed.ok).toBe(false);
        if (parsed.ok) return;
        expect(parsed.error.code).toBe(golden.error.code);
        expect((parsed.error.span?.offset ?? -1) + 1).toBe(golden.error.position);
        expect(parsed.error.message).toContain(`position ${golden.error.position}`);
        return;
      }
      if (!parsed.ok) throw parsed.error;
      const payload = golden.payloadText !== undefined ? encoder.encode(golden.payloadText) : encoder.encode(JSON.stringify(golden.payload));
      let uuids = 0;
      const context: SqlContext = { topic: golden.topic ?? '', clientId: golden.clientId, now: () => 1_767_225_600_000, uuid: () => `uuid-${++uuids}` };
      const matched = topicMatcher(parsed.value.from)(golden.topic ?? '');
      const output = matched ? evaluateRule(parsed.value, payload, parsePayload(payload), context) : undefined;
      if (golden.outputText !== undefined) {
        expect(output?.kind).toBe('bytes');
        if (output?.kind === 'bytes') expect(new TextDecoder().decode(output.bytes)).toBe(golden.outputText);
        return;
      }
      if (golden.output === null) {
        expect(output).toBeUndefined();
        return;
      }
      expect(output?.kind).toBe('json');
      if (output?.kind === 'json') expect(output.value).toEqual(golden.output);
    });
  }
});
