import type { MetricValue } from '../model/index.js';

/** One element of the §5 export payload's `metrics` array. */
export interface ExportItem {
  readonly name: string;
  readonly thing: string;
  readonly value: MetricValue;
  readonly version: number;
  /** Epoch milliseconds. */
  readonly timestamp: number;
  readonly dimension?: { readonly name: string; readonly operator: 'IN' | 'NOT_IN' };
}

interface Sum {
  readonly profile: string;
  readonly thing: string;
  readonly metric: string;
  readonly dimension: ExportItem['dimension'];
  readonly perMessage: boolean;
  total: number;
  min: number;
  max: number;
}

/**
 * What each profile will export at the next interval: device-side and custom values as reported,
 * cloud-side counters summed over the interval, `aws:message-byte-size` as min/max/total.
 */
export class ExportBuffer {
  private readonly items = new Map<string, ExportItem[]>();
  private readonly sums = new Map<string, Sum>();
  /** Items added since `takeFresh` last ran: one report's, for the export journal. */
  private fresh: Array<[string, ExportItem]> = [];

  add(profile: string, item: ExportItem): void {
    this.restore(profile, item);
    this.fresh.push([profile, item]);
  }

  /** Adds an item the journal already holds (left by a previous run). */
  restore(profile: string, item: ExportItem): void {
    const list = this.items.get(profile);
    if (list === undefined) this.items.set(profile, [item]);
    else list.push(item);
  }

  /** The `[profile, item]` pairs added since the last call. */
  takeFresh(): ReadonlyArray<readonly [string, ExportItem]> {
    if (this.fresh.length === 0) return NONE;
    const fresh = this.fresh;
    this.fresh = [];
    return fresh;
  }

  addCount(profile: string, thing: string, metric: string, dimension: ExportItem['dimension'], value: number, perMessage: boolean): void {
    const key = `${profile}\u0000${thing}\u0000${metric}\u0000${dimension?.name ?? ''}\u0000${dimension?.operator ?? ''}`;
    const sum = this.sums.get(key);
    if (sum === undefined) this.sums.set(key, { profile, thing, metric, dimension, perMessage, total: value, min: value, max: value });
    else {
      sum.total += value;
      if (value < sum.min) sum.min = value;
      if (value > sum.max) sum.max = value;
    }
  }

  /** Takes every pending item of every profile; sums are stamped `now` (their aggregation time). */
  drain(now: number): Map<string, ExportItem[]> {
    const out = new Map(this.items);
    this.items.clear();
    this.fresh = [];
    for (const sum of this.sums.values()) {
      // §5 leaves the encoding of min/max/total open: count = total, numbers = [min, max, total] (docs/detect.md).
      const value: MetricValue = sum.perMessage ? { count: sum.total, numbers: [sum.min, sum.max, sum.total] } : { count: sum.total };
      const item: ExportItem = { name: sum.metric, thing: sum.thing, value, version: 1, timestamp: now, ...(sum.dimension === undefined ? {} : { dimension: sum.dimension }) };
      const list = out.get(sum.profile);
      if (list === undefined) out.set(sum.profile, [item]);
      else list.push(item);
    }
    this.sums.clear();
    return out;
  }

  /** Drops what a deleted profile had pending. */
  forget(profile: string): void {
    this.items.delete(profile);
    for (const [key, sum] of this.sums) if (sum.profile === profile) this.sums.delete(key);
  }
}

const NONE: ReadonlyArray<readonly [string, ExportItem]> = [];

const HEAD = '{"version":"1.0","metrics":[';
const TAIL = ']}';

/** Packs items into §5 payloads of at most `maxBytes` UTF-8 bytes each (an item is never split). */
export function exportPayloads(items: readonly ExportItem[], maxBytes: number): string[] {
  const payloads: string[] = [];
  let parts: string[] = [];
  let size = HEAD.length + TAIL.length;
  for (const item of items) {
    const text = JSON.stringify(item);
    const bytes = Buffer.byteLength(text) + (parts.length > 0 ? 1 : 0);
    if (parts.length > 0 && size + bytes > maxBytes) {
      payloads.push(HEAD + parts.join(',') + TAIL);
      parts = [];
      size = HEAD.length + TAIL.length;
    }
    size += Buffer.byteLength(text) + (parts.length > 0 ? 1 : 0);
    parts.push(text);
  }
  if (parts.length > 0) payloads.push(HEAD + parts.join(',') + TAIL);
  return payloads;
}
