/**
 * Which node owns which things' detect state: a thing belongs to one of `count` partitions (a hash
 * of its name), and each partition to the live node with the highest rendezvous weight for it. A
 * node leaving moves only the partitions it owned; a node joining takes only the ones it now wins.
 */

/** FNV-1a over the UTF-16 code units, then a 32-bit avalanche (murmur3's finalizer). */
export function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** The partition of a thing, in [0, count). */
export function partitionOf(thingName: string, count: number): number {
  return hash32(thingName) % count;
}

/**
 * The owner of each partition among `nodes` (rendezvous / highest-random-weight hashing; ties go to
 * the smaller node id). Every node computes the same table from the same set of node ids, whatever
 * their order. Empty `nodes`: every entry is undefined.
 */
export function assignPartitions(nodes: readonly string[], count: number): Array<string | undefined> {
  const sorted = [...new Set(nodes)].sort();
  const owners: Array<string | undefined> = new Array(count).fill(undefined);
  for (let p = 0; p < count; p++) {
    let best: string | undefined;
    let bestWeight = -1;
    for (const node of sorted) {
      const weight = hash32(`${node}\u0000${p}`);
      if (weight > bestWeight) {
        best = node;
        bestWeight = weight;
      }
    }
    owners[p] = best;
  }
  return owners;
}
