import { describe, expect, it } from 'vitest';
import { jsonDepth, valueDepth } from './index.js';

describe('jsonDepth and valueDepth', () => {
  it('count object and array levels, not brackets inside strings or escaped quotes', () => {
    expect(jsonDepth('1')).toBe(0);
    expect(jsonDepth('{"a":[1,{"b":[]}]}')).toBe(4);
    expect(jsonDepth('{"a":"[[[{{{\\"[[["}')).toBe(1);
    expect(valueDepth(JSON.parse('{"a":[1,{"b":[]}]}'))).toBe(4);
    expect(valueDepth('x')).toBe(0);
  });

  it('agree with each other on generated nesting and stop early past the limit without overflowing', () => {
    const deep = '['.repeat(200_000) + ']'.repeat(200_000);
    expect(jsonDepth(deep)).toBe(200_000);
    expect(jsonDepth(deep, 64)).toBe(65);
    const parsed = JSON.parse(deep) as unknown;
    expect(valueDepth(parsed, 64)).toBe(65);
    expect(valueDepth(parsed)).toBe(200_000);
    for (const n of [1, 7, 33]) {
      const text = '{"k":'.repeat(n) + '0' + '}'.repeat(n);
      expect(jsonDepth(text)).toBe(n);
      expect(valueDepth(JSON.parse(text))).toBe(n);
    }
  });
});
