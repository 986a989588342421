import { valueDepth } from '../../core/index.js';
import type { HecToken, SiemEvent } from '../../model/index.js';
import type { StoredEvent } from '../events/event-store.js';
import type { HecReply } from './hec-codes.js';

/** Request facts that fill event metadata the envelope and token leave open. */
export interface IngestContext {
  readonly token: HecToken;
  /** Arrival time, epoch ms. */
  readonly now: number;
  /** `Host` header value (Splunk's common default for `host`). */
  readonly hostHeader: string;
  readonly maxEventBytes: number;
  /** `hec.max_event_depth`: deepest object/array nesting of one event. */
  readonly maxEventDepth: number;
  /** Called once per event refused for a limit (config key), so it is counted. */
  readonly onLimit?: (limit: string) => void;
}

export type Parsed = { readonly ok: true; readonly events: StoredEvent[] } | { readonly ok: false; readonly reply: HecReply };

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

/**
 * Turns `/event` envelopes into events. The first bad envelope decides the reply and nothing of the
 * request is indexed (so that a client's retry cannot duplicate events).
 */
export function eventsFromEnvelopes(text: string, context: IngestContext): Parsed {
  const { values, badIndex } = splitEnvelopes(text);
  const events: StoredEvent[] = [];
  for (let k = 0; k < values.length; k++) {
    const envelope = values[k];
    if (typeof envelope !== 'object' || envelope === null || Array.isArray(envelope)) return fail(6, k);
    const e = envelope as Record<string, unknown>;
    const body = e['event'];
    if (body === undefined || body === null) return fail(12, k);
    if (body === '' || (typeof body === 'object' && !Array.isArray(body) && Object.keys(body).length === 0)) return fail(13, k);
    // Too deep to re-serialize safely: a client error (code 6, not retried), never code 8.
    if (typeof body === 'object' && valueDepth(body, context.maxEventDepth) > context.maxEventDepth) {
      context.onLimit?.('hec.max_event_depth');
      return fail(6, k);
    }
    const raw = typeof body === 'string' ? body : JSON.stringify(body);
    // UTF-8 takes at most 3 bytes per UTF-16 unit: only long events need counting.
    if (raw.length * 3 > context.maxEventBytes && Buffer.byteLength(raw) > context.maxEventBytes) {
      context.onLimit?.('hec.max_event_bytes');
      return fail(6, k);
    }
    const time = parseTime(e['time']);
    if (time === null) return fail(6, k);
    const fields = e['fields'];
    let indexed: Record<string, string | string[]> | undefined;
    if (fields !== undefined) {
      if (typeof fields !== 'object' || fields === null || Array.isArray(fields)) return fail(6, k);
      indexed = {};
      for (const [key, value] of Object.entries(fields)) {
        if (Array.isArray(value)) {
          if (value.some((v) => typeof v === 'object' && v !== null)) return fail(15, k);
          indexed[key] = value.map((v) => String(v));
        } else if (typeof value === 'object' && value !== null) return fail(15, k);
        else if (value !== null) indexed[key] = String(value);
      }
    }
    const meta = metadata(context, stringOr(e['index']), stringOr(e['sourcetype']), stringOr(e['source']), stringOr(e['host']));
    events.push({ time: time ?? context.now, raw, ...meta, ...(indexed === undefined ? {} : { fields: indexed }), ...(typeof body === 'object' ? { isJson: true } : {}) });
  }
  if (badIndex !== undefined) return fail(6, badIndex);
  return { ok: true, events };
}

/** `/raw`: one event per non-blank line; metadata from the query string (spec A.5). */
export function eventsFromRaw(text: string, query: URLSearchParams, context: IngestContext): Parsed {
  const time = parseTime(query.get('time') ?? undefined);
  if (time === null) return fail(6);
  const meta = metadata(context, query.get('index') ?? undefined, query.get('sourcetype') ?? undefined, query.get('source') ?? undefined, query.get('host') ?? undefined);
  const events: SiemEvent[] = [];
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === '') continue;
    if (Buffer.byteLength(line) > context.maxEventBytes) {
      context.onLimit?.('hec.max_event_bytes');
      return fail(6, events.length);
    }
    events.push({ time: time ?? leadingTimestamp(line) ?? context.now, raw: line, ...meta });
  }
  return { ok: true, events };
}

function metadata(context: IngestContext, index: string | undefined, sourcetype: string | undefined, source: string | undefined, host: string | undefined): Pick<SiemEvent, 'index' | 'sourcetype' | 'source' | 'host'> {
  const token = context.token;
  return {
    index: index ?? token.index,
    sourcetype: sourcetype ?? token.sourcetype ?? 'httpevent',
    source: source ?? token.source ?? `http:${token.name}`,
    host: host ?? token.host ?? context.hostHeader,
  };
}

function stringOr(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Years 0001 to 9999 in epoch seconds: what the event store can hold. */
const MIN_TIME_SECS = -62_135_596_800;
const MAX_TIME_SECS = 253_402_300_799;

/** Epoch seconds (number or numeric string) → ms; undefined when absent; null when invalid or out of range. */
function parseTime(value: unknown): number | undefined | null {
  if (value === undefined || value === null || value === '') return undefined;
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^\s*[+-]?\d+(\.\d+)?\s*$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isFinite(n) || n < MIN_TIME_SECS || n > MAX_TIME_SECS) return null;
  return Math.round(n * 1000);
}

const ISO_PREFIX = /^\s*(\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?)/;

function leadingTimestamp(line: string): number | undefined {
  const match = ISO_PREFIX.exec(line);
  if (match === null) return undefined;
  let text = (match[1] as string).replace(' ', 'T');
  if (!/(Z|[+-]\d{2}:?\d{2})$/.test(text)) text += 'Z';
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}

function fail(code: 6 | 12 | 13 | 15, invalidEventNumber?: number): Parsed {
  return { ok: false, reply: invalidEventNumber === undefined ? { code } : { code, invalidEventNumber } };
}
