import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VigilError } from '../core/index.js';
import { afterKeyset, decodeKeyset, decodeOffset, decodeTextKeyset, encodeKeyset, keysetPage, offsetPage, type KeysetFormat, type SortOrder } from './page-cursor.js';
import { openSqliteRegistry } from './sqlite.js';

const COLON: KeysetFormat = { separator: ':', code: 'registry.invalid_token' };
const BAR: KeysetFormat = { separator: '|', code: 'violation.invalid_request' };

function errorOf(run: () => unknown): VigilError {
  try {
    run();
  } catch (error) {
    if (error instanceof VigilError) return error;
    throw error;
  }
  throw new Error('expected a VigilError');
}

describe('keyset tokens', () => {
  it('spell position, separator and id exactly as the repositories always have', () => {
    expect(encodeKeyset(COLON, 1_700_000_000_000, 'c0ffee')).toBe('1700000000000:c0ffee');
    expect(encodeKeyset(BAR, 42, 'v-1')).toBe('42|v-1');
    expect(encodeKeyset({ separator: '/', code: 'registry.invalid_token' }, 'thinggroup', 'g1')).toBe('thinggroup/g1');
  });

  it('decode what they encode, splitting at the first separator so ids may contain it', () => {
    expect(decodeKeyset(COLON, encodeKeyset(COLON, 1_700_000_000_000, 'client:42'))).toEqual({ at: 1_700_000_000_000, id: 'client:42' });
    expect(decodeKeyset(BAR, '-5|a|b')).toEqual({ at: -5, id: 'a|b' });
    expect(decodeTextKeyset({ separator: '/', code: 'registry.invalid_token' }, 'thing/arn:aws:iot/x')).toEqual({ at: 'thing', id: 'arn:aws:iot/x' });
  });

  it('mean the first page when there is no token', () => {
    expect(decodeKeyset(COLON, undefined)).toBeUndefined();
    expect(decodeTextKeyset(COLON, undefined)).toBeUndefined();
  });

  it('reject a token without the separator with the code of the repository that received it', () => {
    const colon = errorOf(() => decodeKeyset(COLON, '1700000000000|abc'));
    expect(colon.code).toBe('registry.invalid_token');
    expect(colon.message).toContain('no ":"');
    expect(colon.hint).toContain('previous page');
    expect(errorOf(() => decodeKeyset(BAR, '1700000000000:abc')).code).toBe('violation.invalid_request');
    expect(errorOf(() => decodeTextKeyset(COLON, 'garbage')).code).toBe('registry.invalid_token');
  });

  it('reject a numeric token whose position is empty or not a number', () => {
    for (const token of [':abc', ' :abc', 'soon:abc', 'Infinity:abc', 'NaN:abc']) {
      const error = errorOf(() => decodeKeyset(COLON, token));
      expect(error.code).toBe('registry.invalid_token');
      expect(error.message).toContain('is not a number');
    }
  });
});

describe('afterKeyset and keysetPage on SQLite', () => {
  const registry = openSqliteRegistry(':memory:');
  const db = registry.db.withTables<{ page_rows: { at: number; id: string } }>();
  // Ties on `at` make the id the tie-breaker; ids compare as text ('b10' < 'b2').
  const rows = [
    { at: 1, id: 'a' },
    { at: 2, id: 'b10' },
    { at: 2, id: 'b2' },
    { at: 2, id: 'b3' },
    { at: 3, id: 'c' },
    { at: 10, id: 'd' },
  ];

  beforeAll(async () => {
    await db.schema.createTable('page_rows').addColumn('at', 'integer').addColumn('id', 'text').execute();
    await db.insertInto('page_rows').values(rows).execute();
  });
  afterAll(() => registry.close());

  async function walk(order: SortOrder, limit: number): Promise<{ pages: string[][]; tokens: string[] }> {
    const pages: string[][] = [];
    const tokens: string[] = [];
    let token: string | undefined;
    do {
      const after = decodeKeyset(COLON, token);
      let select = db.selectFrom('page_rows').selectAll().orderBy('at', order).orderBy('id', order).limit(limit + 1);
      if (after !== undefined) select = select.where((eb) => afterKeyset(eb, ['at', 'id'], after, order));
      const page = keysetPage(await select.execute(), limit, (r) => encodeKeyset(COLON, r.at, r.id));
      pages.push(page.items.map((r) => r.id));
      token = page.next;
      if (token !== undefined) tokens.push(token);
    } while (token !== undefined && pages.length < 10);
    return { pages, tokens };
  }

  it('walks ascending pages through ties without skipping or repeating a row', async () => {
    const { pages, tokens } = await walk('asc', 2);
    expect(pages).toEqual([['a', 'b10'], ['b2', 'b3'], ['c', 'd']]);
    expect(tokens).toEqual(['2:b10', '2:b3']);
  });

  it('walks descending pages through ties without skipping or repeating a row', async () => {
    const { pages, tokens } = await walk('desc', 4);
    expect(pages).toEqual([['d', 'c', 'b3', 'b2'], ['b10', 'a']]);
    expect(tokens).toEqual(['2:b2']);
  });

  it('compares positions as numbers, not text (10 sorts after 3)', async () => {
    const after = { at: 3, id: 'c' };
    const found = await db.selectFrom('page_rows').select('id').where((eb) => afterKeyset(eb, ['at', 'id'], after, 'asc')).execute();
    expect(found.map((r) => r.id)).toEqual(['d']);
  });

  it('gives no next token when the fetch did not overflow the page', () => {
    expect(keysetPage(['x', 'y'], 2, (r) => r)).toEqual({ items: ['x', 'y'], next: undefined });
    expect(keysetPage(['x', 'y', 'z'], 2, (r) => r)).toEqual({ items: ['x', 'y'], next: 'y' });
    expect(keysetPage(['x'], 0, (r) => r)).toEqual({ items: [], next: undefined });
  });
});

describe('offset tokens', () => {
  it('name the offset of the next row, starting at 0', () => {
    expect(decodeOffset('audit.invalid_request', undefined)).toBe(0);
    expect(decodeOffset('audit.invalid_request', '0')).toBe(0);
    expect(decodeOffset('audit.invalid_request', '250')).toBe(250);
    expect(offsetPage(['a', 'b', 'c'], 2, 4)).toEqual({ items: ['a', 'b'], next: '6' });
    expect(offsetPage(['a', 'b'], 2, 4)).toEqual({ items: ['a', 'b'], next: undefined });
  });

  it('reject anything but a non-negative integer with the code passed in', () => {
    for (const token of ['', ' ', '-1', '1.5', 'ten', '2:abc']) {
      const error = errorOf(() => decodeOffset('metric_values.invalid_request', token));
      expect(error.code).toBe('metric_values.invalid_request');
      expect(error.message).toContain('not one this server issued');
    }
  });
});
