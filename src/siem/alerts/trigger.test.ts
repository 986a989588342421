import { describe, expect, it } from 'vitest';
import type { AlertDefinition } from '../../model/index.js';
import { evaluateAlert, formatTrigger, parseTrigger, throttleKey } from './trigger.js';

const rows = [
  { thing: 'a', port: '21' },
  { thing: 'b', port: '21' },
  { thing: 'a', port: '23' },
];

describe('trigger text', () => {
  it.each([
    ['results>0', { type: 'number_of_results', comparator: '>', threshold: 0 }],
    ['results >= 10', { type: 'number_of_results', comparator: '>=', threshold: 10 }],
    ['number of results != 3', { type: 'number_of_results', comparator: '!=', threshold: 3 }],
    ['count==2', { type: 'number_of_results', comparator: '=', threshold: 2 }],
    ['Per-Result', { type: 'per_result' }],
  ])('parses %s', (text, trigger) => {
    expect(parseTrigger(text)).toEqual({ ok: true, value: trigger });
  });

  it('rejects anything else with a hint', () => {
    const parsed = parseTrigger('results>>1');
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error.hint).toContain('per-result');
  });

  it('formats back to the text', () => {
    expect(formatTrigger({ type: 'number_of_results', comparator: '<=', threshold: 4 })).toBe('results<=4');
    expect(formatTrigger({ type: 'per_result' })).toBe('per-result');
  });
});

describe('alert evaluation and throttling', () => {
  const count = (comparator: '>' | '<' | '=' | '!=' | '>=' | '<=', threshold: number, throttle?: AlertDefinition['throttle']): AlertDefinition => ({ trigger: { type: 'number_of_results', comparator, threshold }, actions: [], throttle });

  it.each([
    ['>', 2, 'fired'],
    ['>', 3, 'not_fired'],
    ['<', 4, 'fired'],
    ['<', 3, 'not_fired'],
    ['=', 3, 'fired'],
    ['!=', 3, 'not_fired'],
    ['>=', 3, 'fired'],
    ['<=', 2, 'not_fired'],
  ] as const)('number of results %s %d on 3 rows: %s', (comparator, threshold, status) => {
    expect(evaluateAlert(count(comparator, threshold), rows, new Set()).status).toBe(status);
  });

  it('without throttle fields, a firing suppresses the whole alert', () => {
    const alert = count('>', 0, { periodSecs: 60, fields: [] });
    const first = evaluateAlert(alert, rows, new Set());
    expect(first).toMatchObject({ status: 'fired', keys: ['*'] });
    expect(first.rows).toHaveLength(3);
    expect(evaluateAlert(alert, rows, new Set(first.keys))).toMatchObject({ status: 'throttled', suppressedCount: 3, rows: [] });
  });

  it('with throttle fields, only rows with a new key count toward the trigger and fire', () => {
    const alert = count('>', 0, { periodSecs: 60, fields: ['thing', 'port'] });
    const suppressed = new Set([throttleKey({ thing: 'a', port: '21' }, ['thing', 'port'])]);
    const result = evaluateAlert(alert, rows, suppressed);
    expect(result).toMatchObject({ status: 'fired', suppressedCount: 1, rows: [rows[1], rows[2]] });
    expect(result.keys).toEqual([JSON.stringify(['b', '21']), JSON.stringify(['a', '23'])]);
    expect(evaluateAlert(alert, rows, new Set([...suppressed, ...result.keys]))).toMatchObject({ status: 'throttled', suppressedCount: 3 });
  });

  it('per-result fires for each unsuppressed row, keyed per field values; missing fields key as null', () => {
    const alert: AlertDefinition = { trigger: { type: 'per_result' }, actions: [], throttle: { periodSecs: 60, fields: ['thing'] } };
    const result = evaluateAlert(alert, [...rows, { port: '80' }], new Set(['["b"]']));
    expect(result).toMatchObject({ status: 'fired', suppressedCount: 1, keys: ['["a"]', '[null]'] });
    expect(result.rows).toEqual([rows[0], rows[2], { port: '80' }]);
    expect(evaluateAlert(alert, [], new Set()).status).toBe('not_fired');
  });

  it('without a throttle nothing is ever suppressed or remembered', () => {
    const alert: AlertDefinition = { trigger: { type: 'per_result' }, actions: [] };
    expect(evaluateAlert(alert, rows, new Set(['*']))).toMatchObject({ status: 'fired', keys: [], suppressedCount: 0 });
  });
});
