/**
 * A streaming random cut forest (Guha, Mishra, Roy & Schrijvers, "Robust Random Cut Forest Based
 * Anomaly Detection on Streams", ICML 2016), the algorithm behind AWS's own ML anomaly detection:
 * each tree holds a time-decayed sample of shingled points (the last `shingle` values), cut at
 * random in proportion to each dimension's range; a point's score is how early the trees would
 * separate it from their sample. Points are scored before they are offered to the samples.
 */
export interface ForestOptions {
  readonly trees: number;
  readonly sampleSize: number;
  readonly shingle: number;
  readonly seed: number;
  /** Decay per point of the sampling weights; default 1 / (10 × sampleSize). */
  readonly timeDecay?: number;
}

const NONE = -1;

class Tree {
  readonly left: Int32Array;
  readonly right: Int32Array;
  readonly parent: Int32Array;
  readonly mass: Int32Array;
  readonly cutDim: Int32Array;
  readonly cutVal: Float64Array;
  readonly lo: Float64Array;
  readonly hi: Float64Array;
  private readonly free: number[] = [];
  root = NONE;
  /** Reservoir: priorities (max-heap) and the leaf each sample slot lives in. */
  readonly keys: Float64Array;
  readonly leafOf: Int32Array;
  size = 0;

  constructor(readonly capacity: number, readonly dims: number) {
    const nodes = 2 * capacity;
    this.left = new Int32Array(nodes).fill(NONE);
    this.right = new Int32Array(nodes).fill(NONE);
    this.parent = new Int32Array(nodes).fill(NONE);
    this.mass = new Int32Array(nodes);
    this.cutDim = new Int32Array(nodes);
    this.cutVal = new Float64Array(nodes);
    this.lo = new Float64Array(nodes * dims);
    this.hi = new Float64Array(nodes * dims);
    for (let i = nodes - 1; i >= 0; i--) this.free.push(i);
    this.keys = new Float64Array(capacity);
    this.leafOf = new Int32Array(capacity);
  }

  private alloc(): number {
    const node = this.free.pop();
    if (node === undefined) throw new Error('random cut tree: out of nodes');
    this.left[node] = NONE;
    this.right[node] = NONE;
    this.parent[node] = NONE;
    return node;
  }

  private release(node: number): void {
    this.free.push(node);
  }

  isLeaf(node: number): boolean {
    return this.left[node] === NONE;
  }

  private samePoint(node: number, p: Float64Array): boolean {
    const d = this.dims;
    const base = node * d;
    for (let i = 0; i < d; i++) if (this.lo[base + i] !== p[i]) return false;
    return true;
  }

  /** Inserts a point; returns its leaf. */
  insert(p: Float64Array, random: () => number): number {
    const d = this.dims;
    if (this.root === NONE) {
      const leaf = this.newLeaf(p);
      this.root = leaf;
      return leaf;
    }
    let node = this.root;
    for (;;) {
      const base = node * d;
      if (this.isLeaf(node) && this.samePoint(node, p)) {
        for (let n = node; n !== NONE; n = this.parent[n] as number) this.mass[n] = (this.mass[n] as number) + 1;
        return node;
      }
      let total = 0;
      for (let i = 0; i < d; i++) total += Math.max(this.hi[base + i] as number, p[i] as number) - Math.min(this.lo[base + i] as number, p[i] as number);
      let r = random() * total;
      let dim = 0;
      let cut = 0;
      for (let i = 0; i < d; i++) {
        const lo = Math.min(this.lo[base + i] as number, p[i] as number);
        const span = Math.max(this.hi[base + i] as number, p[i] as number) - lo;
        if (r <= span || i === d - 1) {
          dim = i;
          cut = lo + Math.min(r, span);
          break;
        }
        r -= span;
      }
      const boxLo = this.lo[base + dim] as number;
      const boxHi = this.hi[base + dim] as number;
      const pv = p[dim] as number;
      const separates = (cut < boxLo && pv <= cut) || (cut >= boxHi && pv > cut);
      if (separates || this.isLeaf(node)) {
        const leaf = this.newLeaf(p);
        const join = this.alloc();
        const up = this.parent[node] as number;
        this.cutDim[join] = dim;
        // A leaf that the sampled cut did not separate (cut on its own coordinate) is split halfway.
        this.cutVal[join] = separates ? cut : (boxLo + pv) / 2;
        const pointLeft = pv <= (this.cutVal[join] as number);
        this.left[join] = pointLeft ? leaf : node;
        this.right[join] = pointLeft ? node : leaf;
        this.parent[leaf] = join;
        this.parent[node] = join;
        this.parent[join] = up;
        this.mass[join] = (this.mass[node] as number) + 1;
        const jb = join * d;
        for (let i = 0; i < d; i++) {
          this.lo[jb + i] = Math.min(this.lo[base + i] as number, p[i] as number);
          this.hi[jb + i] = Math.max(this.hi[base + i] as number, p[i] as number);
        }
        if (up === NONE) this.root = join;
        else if (this.left[up] === node) this.left[up] = join;
        else this.right[up] = join;
        return leaf;
      }
      this.mass[node] = (this.mass[node] as number) + 1;
      for (let i = 0; i < d; i++) {
        if ((p[i] as number) < (this.lo[base + i] as number)) this.lo[base + i] = p[i] as number;
        if ((p[i] as number) > (this.hi[base + i] as number)) this.hi[base + i] = p[i] as number;
      }
      node = (p[this.cutDim[node] as number] as number) <= (this.cutVal[node] as number) ? (this.left[node] as number) : (this.right[node] as number);
    }
  }

  private newLeaf(p: Float64Array): number {
    const leaf = this.alloc();
    this.mass[leaf] = 1;
    const base = leaf * this.dims;
    for (let i = 0; i < this.dims; i++) {
      this.lo[base + i] = p[i] as number;
      this.hi[base + i] = p[i] as number;
    }
    return leaf;
  }

  /** Removes one copy of the point at `leaf`. */
  remove(leaf: number): void {
    const d = this.dims;
    if ((this.mass[leaf] as number) > 1) {
      for (let n = leaf; n !== NONE; n = this.parent[n] as number) this.mass[n] = (this.mass[n] as number) - 1;
      return;
    }
    const up = this.parent[leaf] as number;
    this.release(leaf);
    if (up === NONE) {
      this.root = NONE;
      return;
    }
    const sibling = this.left[up] === leaf ? (this.right[up] as number) : (this.left[up] as number);
    const grand = this.parent[up] as number;
    this.parent[sibling] = grand;
    this.release(up);
    if (grand === NONE) {
      this.root = sibling;
      return;
    }
    if (this.left[grand] === up) this.left[grand] = sibling;
    else this.right[grand] = sibling;
    for (let n = grand; n !== NONE; n = this.parent[n] as number) {
      this.mass[n] = (this.mass[n] as number) - 1;
      const a = (this.left[n] as number) * d;
      const b = (this.right[n] as number) * d;
      const base = n * d;
      for (let i = 0; i < d; i++) {
        this.lo[base + i] = Math.min(this.lo[a + i] as number, this.lo[b + i] as number);
        this.hi[base + i] = Math.max(this.hi[a + i] as number, this.hi[b + i] as number);
      }
    }
  }

  /**
   * Anomaly score of `p` in this tree: from the leaf it would reach back to the root, the score is
   * 1/(depth + 1) with the probability that a random cut separates p from the node's box there, and
   * the deeper value otherwise.
   */
  score(p: Float64Array): number {
    const d = this.dims;
    let node = this.root;
    if (node === NONE) return 0;
    let depth = 0;
    while (!this.isLeaf(node)) {
      node = (p[this.cutDim[node] as number] as number) <= (this.cutVal[node] as number) ? (this.left[node] as number) : (this.right[node] as number);
      depth++;
    }
    let score = this.samePoint(node, p) ? 1 / (depth + Math.log2((this.mass[node] as number) + 1)) : 1 / (depth + 1);
    node = this.parent[node] as number;
    depth--;
    while (node !== NONE) {
      const base = node * d;
      let outside = 0;
      let range = 0;
      for (let i = 0; i < d; i++) {
        const lo = this.lo[base + i] as number;
        const hi = this.hi[base + i] as number;
        const v = p[i] as number;
        if (v < lo) {
          outside += lo - v;
          range += hi - v;
        } else if (v > hi) {
          outside += v - hi;
          range += v - lo;
        } else range += hi - lo;
      }
      if (outside > 0) {
        const prob = outside / range;
        score = prob / (depth + 1) + (1 - prob) * score;
      }
      node = this.parent[node] as number;
      depth--;
    }
    return score;
  }

  /** Offers a point to the time-decayed reservoir (priority log(−log U) − λ·seq, smallest kept). */
  offer(p: Float64Array, priority: number, random: () => number): void {
    if (this.size < this.capacity) {
      const slot = this.size++;
      this.keys[slot] = priority;
      this.leafOf[slot] = this.insert(p, random);
      this.siftUp(slot);
      return;
    }
    if (priority >= (this.keys[0] as number)) return;
    this.remove(this.leafOf[0] as number);
    this.keys[0] = priority;
    this.leafOf[0] = this.insert(p, random);
    this.siftDown(0);
  }

  private siftUp(i: number): void {
    while (i > 0) {
      const up = (i - 1) >> 1;
      if ((this.keys[up] as number) >= (this.keys[i] as number)) return;
      this.swap(i, up);
      i = up;
    }
  }

  private siftDown(i: number): void {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let top = i;
      if (l < this.size && (this.keys[l] as number) > (this.keys[top] as number)) top = l;
      if (r < this.size && (this.keys[r] as number) > (this.keys[top] as number)) top = r;
      if (top === i) return;
      this.swap(i, top);
      i = top;
    }
  }

  private swap(a: number, b: number): void {
    const k = this.keys[a] as number;
    this.keys[a] = this.keys[b] as number;
    this.keys[b] = k;
    const l = this.leafOf[a] as number;
    this.leafOf[a] = this.leafOf[b] as number;
    this.leafOf[b] = l;
  }
}

export class RandomCutForest {
  private readonly trees: Tree[];
  private readonly shingle: Float64Array;
  private readonly point: Float64Array;
  private filled = 0;
  private seq = 0;
  private state: number;
  private readonly decay: number;
  private readonly random = (): number => {
    // xorshift32: fast and seeded; quality is ample for choosing cuts and sampling.
    let x = this.state;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.state = x >>> 0;
    return (this.state + 0.5) / 4294967296;
  };

  constructor(readonly options: ForestOptions) {
    this.trees = Array.from({ length: options.trees }, () => new Tree(options.sampleSize, options.shingle));
    this.shingle = new Float64Array(options.shingle);
    this.point = new Float64Array(options.shingle);
    this.state = (options.seed >>> 0) || 0x9e3779b9;
    this.decay = options.timeDecay ?? 1 / (10 * options.sampleSize);
  }

  /** Pushes a value into the shingle; once it is full, returns the point's score (before learning it). */
  update(value: number): number | undefined {
    const s = this.options.shingle;
    for (let i = 0; i < s - 1; i++) this.shingle[i] = this.shingle[i + 1] as number;
    this.shingle[s - 1] = value;
    if (this.filled < s) {
      this.filled++;
      if (this.filled < s) return undefined;
    }
    this.point.set(this.shingle);
    const score = this.score(this.point);
    this.seq++;
    for (const tree of this.trees) tree.offer(this.point, Math.log(-Math.log(this.random())) - this.decay * this.seq, this.random);
    return score;
  }

  /** Mean score over the trees, scaled by log2(sample size) so that a typical point is near 1. */
  score(p: Float64Array): number {
    let sum = 0;
    let count = 0;
    for (const tree of this.trees) {
      if (tree.size === 0) continue;
      sum += tree.score(p);
      count++;
    }
    return count === 0 ? 0 : (sum / count) * Math.log2(this.options.sampleSize);
  }
}
