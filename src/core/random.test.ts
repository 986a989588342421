import { describe, expect, it } from 'vitest';
import { hashSeed, seededRandom } from './index.js';

// Simulated fleets and ML model training are pinned to these sequences: they must never drift.
describe('seeded random numbers', () => {
  it('seededRandom is mulberry32: the same seed gives the same numbers in [0, 1)', () => {
    const random = seededRandom(1);
    expect([random(), random(), random()]).toEqual([0.6270739405881613, 0.002735721180215478, 0.5274470399599522]);
  });

  it('hashSeed is FNV-1a over the parts, each closed by a NUL', () => {
    expect(hashSeed()).toBe(0x811c9dc5);
    expect(hashSeed('a', 1)).toBe(1012613629);
    expect(hashSeed('a1')).not.toBe(hashSeed('a', 1));
  });
});
