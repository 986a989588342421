import type { HecToken, SiemEvent } from '../../model/index.js';
import type { StoredEvent } from '../events/event-store.js';
import { leadingTimestamp, parseHecTime, readHecEnvelope, splitEnvelopes, type HecReply } from '../../protocol/index.js';

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
 * Turns `/event` envelopes into events. The first bad envelope decides the reply and nothing of the
 * request is indexed (so that a client's retry cannot duplicate events).
 */
export function eventsFromEnvelopes(text: string, context: IngestContext): Parsed {
  const { values, badIndex } = splitEnvelopes(text);
  const events: StoredEvent[] = [];
  for (let k = 0; k < values.length; k++) {
    const read = readHecEnvelope(values[k], context.maxEventBytes, { maxEventDepth: context.maxEventDepth, ...(context.onLimit === undefined ? {} : { onLimit: context.onLimit }) });
    if (!read.ok) return fail(read.code, k);
    const e = read.envelope;
    const meta = metadata(context, e.index, e.sourcetype, e.source, e.host);
    events.push({ time: e.time ?? context.now, raw: e.raw, ...meta, ...(e.fields === undefined ? {} : { fields: e.fields }), ...(e.isJson ? { isJson: true } : {}) });
  }
  if (badIndex !== undefined) return fail(6, badIndex);
  return { ok: true, events };
}

/** `/raw`: one event per non-blank line; metadata from the query string (spec A.5). */
export function eventsFromRaw(text: string, query: URLSearchParams, context: IngestContext): Parsed {
  const time = parseHecTime(query.get('time') ?? undefined);
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

function fail(code: 6 | 12 | 13 | 15, invalidEventNumber?: number): Parsed {
  return { ok: false, reply: invalidEventNumber === undefined ? { code } : { code, invalidEventNumber } };
}
