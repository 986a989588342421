import { describe, expect, it } from 'vitest';
import { parseLookupCsv } from './csv.js';

function errorOf(text: string, limits?: Parameters<typeof parseLookupCsv>[1]): string {
  const parsed = parseLookupCsv(text, limits);
  if (parsed.ok) throw new Error('expected a parse error');
  expect(parsed.error.code).toBe('lookup.invalid_csv');
  return parsed.error.message;
}

describe('parseLookupCsv', () => {
  it('reads quoted fields with commas, quotes and line breaks; CRLF, a BOM and blank lines; empty cells are null', () => {
    const parsed = parseLookupCsv('\uFEFFuser, team\r\n"a, b","say ""hi"""\r\n\r\n"multi\nline",\nc,d');
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.value.columns).toEqual(['user', 'team']);
    expect(parsed.value.rows).toEqual([['a, b', 'say "hi"'], ['multi\nline', null], ['c', 'd']]);
  });

  it('names the line of a row with the wrong number of fields (counting lines inside quoted fields)', () => {
    expect(errorOf('a,b\n"x\ny",1\n1,2,3\n')).toBe('line 4: 3 fields, but the header has 2 columns');
    expect(errorOf('a,b\n1\n')).toBe('line 2: 1 fields, but the header has 2 columns');
  });

  it('rejects unclosed quotes, stray quotes and text after a closing quote, with their lines', () => {
    expect(errorOf('a,b\n1,2\n3,"oops\n')).toBe('line 3: a quoted field is not closed');
    expect(errorOf('a,b\n1,x"y\n')).toBe('line 2: a " inside unquoted field 2');
    expect(errorOf('a,b\n"1"x,2\n')).toBe("line 2: unexpected 'x' after a closing quote in field 1");
  });

  it('requires a header of unique, non-empty, unreserved names', () => {
    expect(errorOf('')).toMatch(/^the file is empty/);
    expect(errorOf('\n\n')).toMatch(/^the file is empty/);
    expect(errorOf('a,,c\n')).toBe('line 1, column 2: the header has an empty column name');
    expect(errorOf('a,b,a\n')).toBe('line 1, column 3: column "a" appears twice in the header');
    expect(errorOf('a,__row\n')).toBe('line 1, column 2: column name "__row" starts with __, which is reserved');
    expect(errorOf('a,b\u0000c\n')).toBe('line 1, column 2: column name "b\\u0000c" holds a control character (U+0000)');
    expect(errorOf('\u007f\n')).toBe('line 1, column 1: column name "\\u007f" holds a control character (U+007F)');
  });

  it('enforces the byte, row and column limits', () => {
    const limits = { maxBytes: 40, maxRows: 2, maxColumns: 3 };
    expect(errorOf('a\n1\n2\n3\n', limits)).toBe('more than 2 rows (line 4)');
    expect(errorOf('a,b,c,d\n', limits)).toBe('line 1: the header has 4 columns; a lookup holds at most 3');
    expect(errorOf(`a\n${'x'.repeat(40)}\n`, limits)).toBe('the file is 43 bytes; a lookup holds at most 40 bytes');
    expect(parseLookupCsv('a,b,c\n1,2,3\n4,5,6\n', limits).ok).toBe(true);
  });
});
