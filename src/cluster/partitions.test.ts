import { describe, expect, it } from 'vitest';
import { assignPartitions, partitionOf } from './partitions.js';

const P = 64;

function counts(owners: Array<string | undefined>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const o of owners) out[o ?? '-'] = (out[o ?? '-'] ?? 0) + 1;
  return out;
}

describe('detect partitions: rendezvous assignment', () => {
  it('is the same table whatever the order the nodes are listed in', () => {
    expect(assignPartitions(['node-c', 'node-a', 'node-b'], P)).toEqual(assignPartitions(['node-a', 'node-b', 'node-c'], P));
    expect(assignPartitions(['node-a', 'node-b', 'node-b'], P)).toEqual(assignPartitions(['node-b', 'node-a'], P));
  });

  it('gives every partition to a node, each node a fair share', () => {
    const owners = assignPartitions(['node-a', 'node-b', 'node-c'], P);
    expect(owners.every((o) => o !== undefined)).toBe(true);
    const share = counts(owners);
    expect(Object.keys(share).sort()).toEqual(['node-a', 'node-b', 'node-c']);
    for (const n of Object.values(share)) expect(n).toBeGreaterThanOrEqual(10);
    expect(assignPartitions([], 4)).toEqual([undefined, undefined, undefined, undefined]);
  });

  it('a node leaving moves only its own partitions, to the others', () => {
    const before = assignPartitions(['node-a', 'node-b', 'node-c'], P);
    const after = assignPartitions(['node-a', 'node-c'], P);
    for (let p = 0; p < P; p++) {
      if (before[p] === 'node-b') expect(['node-a', 'node-c']).toContain(after[p]);
      else expect(after[p]).toBe(before[p]);
    }
    // Both survivors take some of node-b's partitions.
    const moved = counts(after.filter((_, p) => before[p] === 'node-b'));
    expect(Object.keys(moved).sort()).toEqual(['node-a', 'node-c']);
  });

  it('a node joining takes only partitions it now wins, and a rejoin gives the same table back', () => {
    const three = assignPartitions(['node-a', 'node-b', 'node-c'], P);
    const four = assignPartitions(['node-a', 'node-b', 'node-c', 'node-d'], P);
    let moved = 0;
    for (let p = 0; p < P; p++) {
      if (four[p] !== three[p]) {
        expect(four[p]).toBe('node-d');
        moved++;
      }
    }
    expect(moved).toBeGreaterThan(0);
    expect(moved).toBeLessThan(P / 2);
    expect(assignPartitions(['node-a', 'node-b', 'node-c'], P)).toEqual(three);
  });

  it('spreads thing names over the partitions, the same partition every time', () => {
    const seen = new Set<number>();
    for (let i = 0; i < 2000; i++) {
      const p = partitionOf(`device-${i}`, P);
      expect(p).toBeGreaterThanOrEqual(0);
      expect(p).toBeLessThan(P);
      expect(partitionOf(`device-${i}`, P)).toBe(p);
      seen.add(p);
    }
    expect(seen.size).toBe(P);
  });
});
