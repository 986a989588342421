import { hashSeed, seededRandom } from '../core/index.js';

export { hashSeed, seededRandom };

/** One deterministic number in [0, 1) for these parts. */
export function noise(...parts: ReadonlyArray<string | number>): number {
  return seededRandom(hashSeed(...parts))();
}
