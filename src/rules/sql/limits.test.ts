import { describe, expect, it } from 'vitest';
import { evaluateRule, parsePayload } from './evaluate.js';
import type { SqlContext } from './functions.js';
import { DEFAULT_SQL_LIMITS } from './limits.js';
import { parseRuleSql } from './parser.js';

const context: SqlContext = { topic: 't', clientId: 'c', now: () => 0, uuid: () => 'u' };
const encoder = new TextEncoder();
const orTerms = (n: number): string => `SELECT * FROM 't' WHERE ${Array.from({ length: n }, (_v, i) => `a = ${i}`).join(' OR ')}`;

describe('rule SQL limits (rules.max_sql_*)', () => {
  it('refuses a 10,000-term OR (about 90 KB) naming rules.max_sql_terms, and accepts 400 comparisons (1,600 terms)', () => {
    const sql = orTerms(10_000);
    expect(sql.length).toBeGreaterThan(80_000);
    const parsed = parseRuleSql(sql);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.error.code).toBe('rules.invalid_sql');
    expect(parsed.error.message).toContain('rules.max_sql_terms');
    expect(parsed.error.message).toContain(`limit of ${DEFAULT_SQL_LIMITS.maxTerms} terms`);
    expect(parseRuleSql(orTerms(400)).ok).toBe(true);
  });

  it('refuses nesting deeper than rules.max_sql_depth for parentheses, NOT, unary minus, calls and literals', () => {
    for (const [open, close] of [['(', ')'], ['NOT ', ''], ['- ', ''], ['abs(', ')'], ['[', ']']] as const) {
      for (const depth of [1000, 2000]) {
        const parsed = parseRuleSql(`SELECT * FROM 't' WHERE ${open.repeat(depth)}1${close.repeat(depth)} = 1`);
        expect(parsed.ok, `${open} × ${depth}`).toBe(false);
        if (!parsed.ok) expect(parsed.error.message).toContain('rules.max_sql_depth');
      }
    }
    expect(parseRuleSql(`SELECT * FROM 't' WHERE ${'('.repeat(30)}a${')'.repeat(30)} = 1`).ok).toBe(true);
  });

  it('refuses a statement longer than rules.max_sql_bytes, counting UTF-8 bytes', () => {
    const limits = { ...DEFAULT_SQL_LIMITS, maxBytes: 100 };
    const parsed = parseRuleSql(`SELECT * FROM 't' WHERE a = '${'é'.repeat(40)}'`, limits);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error.message).toMatch(/is 1\d\d bytes, more than the limit of 100 \(rules\.max_sql_bytes\)/);
  });

  it('evaluates a 20,000-term chain without recursing per term when the limit is raised', () => {
    const limits = { ...DEFAULT_SQL_LIMITS, maxBytes: 1_048_576, maxTerms: 100_000 };
    const parsed = parseRuleSql(orTerms(20_000), limits);
    if (!parsed.ok) throw parsed.error;
    const hit = encoder.encode(JSON.stringify({ a: 19_999 }));
    const miss = encoder.encode(JSON.stringify({ a: -1 }));
    expect(evaluateRule(parsed.value, hit, parsePayload(hit), context)).toMatchObject({ kind: 'json', value: { a: 19_999 } });
    expect(evaluateRule(parsed.value, miss, parsePayload(miss), context)).toBeUndefined();
    const sum = parseRuleSql(`SELECT ${Array.from({ length: 5000 }, () => '1').join(' - ')} AS n FROM 't'`, limits);
    if (!sum.ok) throw sum.error;
    // Left-associative: 1 - 1 - 1 … (5,000 ones) = 1 - 4,999.
    expect(evaluateRule(sum.value, miss, parsePayload(miss), context)).toEqual({ kind: 'json', value: { n: -4998 } });
  });

  it('treats a message nested deeper than the payload limit as not JSON (fields Undefined, SELECT * passes bytes)', () => {
    const deep = encoder.encode(`{"a":${'['.repeat(600)}1${']'.repeat(600)},"b":1}`);
    const parsed = parsePayload(deep);
    expect(parsed).toMatchObject({ isJson: false, tooDeep: true });
    const select = parseRuleSql("SELECT b FROM 't'");
    if (!select.ok) throw select.error;
    expect(evaluateRule(select.value, deep, parsed, context)).toEqual({ kind: 'json', value: {} });
    const star = parseRuleSql("SELECT * FROM 't'");
    if (!star.ok) throw star.error;
    expect(evaluateRule(star.value, deep, parsed, context)).toEqual({ kind: 'bytes', bytes: deep });
    expect(parsePayload(deep, 1000).isJson).toBe(true);
  });
});
