/**
 * The HEC `/event` envelope (spec A.4) from both sides: the receiver splits a body into envelopes
 * and reads each one; a sender writes one per event.
 */
import { valueDepth } from '../../core/index.js';

/** One envelope as a sender writes it: `time` is epoch ms here and epoch seconds on the wire. */
export interface HecEnvelopeFields {
  readonly sourcetype?: string | undefined;
  readonly timeMs?: number | undefined;
  readonly index?: string | undefined;
  readonly event: unknown;
}

/**
 * The sender's envelope as JSON; absent or empty metadata is left out. Written piece by piece (the
 * same text as `JSON.stringify` of the object): the reference pipeline writes nine per report.
 */
export function encodeHecEnvelope(fields: HecEnvelopeFields): string {
  let text = '{';
  if (fields.sourcetype !== undefined) text += `"sourcetype":${JSON.stringify(fields.sourcetype)},`;
  // Splunk's _time must be when it happened (epoch seconds, ms precision), not when it was delivered.
  if (fields.timeMs !== undefined && Number.isFinite(fields.timeMs)) text += `"time":${JSON.stringify(fields.timeMs / 1000)},`;
  if (fields.index !== undefined && fields.index !== '') text += `"index":${JSON.stringify(fields.index)},`;
  const event = JSON.stringify(fields.event) as string | undefined;
  // JSON.stringify leaves out a key whose value it cannot write (undefined, a function).
  if (event === undefined) return text.length === 1 ? '{}' : `${text.slice(0, -1)}}`;
  return `${text}"event":${event}}`;
}

/** One envelope as the receiver read it: the event text and the metadata it names. */
export interface ReadEnvelope {
  readonly raw: string;
  readonly isJson: boolean;
  /** Epoch ms; undefined when the envelope names no time. */
  readonly time: number | undefined;
  readonly index: string | undefined;
  readonly sourcetype: string | undefined;
  readonly source: string | undefined;
  readonly host: string | undefined;
  readonly fields: Record<string, string | string[]> | undefined;
}

/**
 * Reads one envelope, or the HEC code that refuses it: 6 (not an object, an event larger than
 * `maxEventBytes`, a bad time or fields), 12 (no event), 13 (a blank event), 15 (a nested field).
 */
export function readHecEnvelope(
  envelope: unknown,
  maxEventBytes: number,
  limits: { readonly maxEventDepth?: number; readonly onLimit?: (limit: 'hec.max_event_depth' | 'hec.max_event_bytes') => void } = {},
): { readonly ok: true; readonly envelope: ReadEnvelope } | { readonly ok: false; readonly code: 6 | 12 | 13 | 15 } {
  if (typeof envelope !== 'object' || envelope === null || Array.isArray(envelope)) return { ok: false, code: 6 };
  const e = envelope as Record<string, unknown>;
  const body = e['event'];
  if (body === undefined || body === null) return { ok: false, code: 12 };
  if (body === '' || (typeof body === 'object' && !Array.isArray(body) && Object.keys(body).length === 0)) return { ok: false, code: 13 };
  // Too deep to re-serialize safely: a client error (code 6, not retried), never code 8.
  if (limits.maxEventDepth !== undefined && typeof body === 'object' && valueDepth(body, limits.maxEventDepth) > limits.maxEventDepth) {
    limits.onLimit?.('hec.max_event_depth');
    return { ok: false, code: 6 };
  }
  const raw = typeof body === 'string' ? body : JSON.stringify(body);
  // UTF-8 takes at most 3 bytes per UTF-16 unit: only long events need counting.
  if (raw.length * 3 > maxEventBytes && Buffer.byteLength(raw) > maxEventBytes) {
    limits.onLimit?.('hec.max_event_bytes');
    return { ok: false, code: 6 };
  }
  const time = parseHecTime(e['time']);
  if (time === null) return { ok: false, code: 6 };
  const fields = e['fields'];
  let indexed: Record<string, string | string[]> | undefined;
  if (fields !== undefined) {
    if (typeof fields !== 'object' || fields === null || Array.isArray(fields)) return { ok: false, code: 6 };
    indexed = {};
    for (const [key, value] of Object.entries(fields)) {
      if (Array.isArray(value)) {
        if (value.some((v) => typeof v === 'object' && v !== null)) return { ok: false, code: 15 };
        indexed[key] = value.map((v) => String(v));
      } else if (typeof value === 'object' && value !== null) return { ok: false, code: 15 };
      else if (value !== null) indexed[key] = String(value);
    }
  }
  return {
    ok: true,
    envelope: { raw, isJson: typeof body === 'object', time, index: stringOr(e['index']), sourcetype: stringOr(e['sourcetype']), source: stringOr(e['source']), host: stringOr(e['host']), fields: indexed },
  };
}

function stringOr(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * Splits a `/event` body into envelopes: concatenated JSON values with or without whitespace between
 * them, or one top-level array of envelopes (accepted leniently, spec A.4). Returns undefined at the
 * index of the first value that is not valid JSON.
 */
export function splitEnvelopes(text: string): { values: unknown[]; badIndex?: number } {
  const values: unknown[] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    while (i < n && isSpace(text.charCodeAt(i))) i++;
    if (i >= n) break;
    const start = i;
    const first = text.charCodeAt(i);
    if (first === 123 /* { */ || first === 91 /* [ */) {
      let depth = 0;
      let inString = false;
      for (; i < n; i++) {
        const c = text.charCodeAt(i);
        if (inString) {
          if (c === 92) i++;
          else if (c === 34) inString = false;
        } else if (c === 34) inString = true;
        else if (c === 123 || c === 91) depth++;
        else if (c === 125 || c === 93) {
          depth--;
          if (depth === 0) {
            i++;
            break;
          }
        }
      }
      if (depth !== 0) return { values, badIndex: values.length };
    } else {
      return { values, badIndex: values.length };
    }
    let value: unknown;
    try {
      value = JSON.parse(text.slice(start, i));
    } catch {
      return { values, badIndex: values.length };
    }
    if (Array.isArray(value) && values.length === 0 && isOnlyRest(text, i)) return { values: value };
    values.push(value);
  }
  return { values };
}

function isOnlyRest(text: string, from: number): boolean {
  for (let i = from; i < text.length; i++) if (!isSpace(text.charCodeAt(i))) return false;
  return true;
}

function isSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9;
}

/** A HEC `time`: epoch seconds (number or numeric string) → ms; undefined when absent; null when invalid. */
/** Years 0001 to 9999 in epoch seconds: what the event store can hold. */
const MIN_TIME_SECS = -62_135_596_800;
const MAX_TIME_SECS = 253_402_300_799;

export function parseHecTime(value: unknown): number | undefined | null {
  if (value === undefined || value === null || value === '') return undefined;
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^\s*[+-]?\d+(\.\d+)?\s*$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isFinite(n) || n < MIN_TIME_SECS || n > MAX_TIME_SECS) return null;
  return Math.round(n * 1000);
}

const ISO_PREFIX = /^\s*(\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?)/;

/** `/raw`: the ISO-8601 timestamp a line starts with, if any (epoch ms). */
export function leadingTimestamp(line: string): number | undefined {
  const match = ISO_PREFIX.exec(line);
  if (match === null) return undefined;
  let text = (match[1] as string).replace(' ', 'T');
  if (!/(Z|[+-]\d{2}:?\d{2})$/.test(text)) text += 'Z';
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}
