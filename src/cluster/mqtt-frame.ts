import type { BridgedMessage, BridgedProperties, BridgedSession } from '../model/index.js';

/**
 * A message between nodes: a 4-byte big-endian length, a small JSON header (origin node instance,
 * sequence number, QoS, retain, expiry, MQTT 5 properties), then the payload untouched.
 */
interface Header {
  /** The sending node's instance (random per start). */
  readonly o: string;
  /** Per-instance sequence number: a node receives a message once even when several of its subscriptions match. */
  readonly s: number;
  readonly q: 0 | 1;
  readonly r?: 1;
  /** Milliseconds left before the message expires, counted when it was sent (clocks of nodes may differ). */
  readonly x?: number;
  /** Clock time (ms) the message expires at (retained messages, read long after they were stored). */
  readonly e?: number;
  readonly p?: {
    readonly f?: boolean;
    readonly c?: string;
    readonly t?: string;
    readonly d?: string;
    readonly u?: { [name: string]: string | string[] };
  };
}

export interface DecodedFrame {
  readonly origin: string;
  readonly seq: number;
  readonly message: BridgedMessage;
}

/** Encodes `message`; expiry as time left (`live`) or as clock time (stored retained messages). */
export function encodeFrame(message: BridgedMessage, origin: string, seq: number, now: number, expiry: 'left' | 'absolute'): Uint8Array {
  const header: Header = {
    o: origin,
    s: seq,
    q: message.qos,
    ...(message.retain ? { r: 1 as const } : {}),
    ...(message.expiresAt === undefined ? {} : expiry === 'left' ? { x: Math.max(0, message.expiresAt - now) } : { e: message.expiresAt }),
    ...(hasProperties(message.properties) ? { p: encodeProperties(message.properties) } : {}),
  };
  const json = Buffer.from(JSON.stringify(header));
  const frame = Buffer.allocUnsafe(4 + json.length + message.payload.length);
  frame.writeUInt32BE(json.length, 0);
  json.copy(frame, 4);
  message.payload.copy(frame, 4 + json.length);
  return frame;
}

/** The message of a frame sent to `topic`; undefined for bytes that are not a frame. */
export function decodeFrame(data: Uint8Array, topic: string, now: number): DecodedFrame | undefined {
  const buffer = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  if (buffer.length < 4) return undefined;
  const length = buffer.readUInt32BE(0);
  if (4 + length > buffer.length) return undefined;
  let header: Header;
  try {
    header = JSON.parse(buffer.toString('utf8', 4, 4 + length)) as Header;
  } catch {
    return undefined;
  }
  if (typeof header?.o !== 'string' || typeof header.s !== 'number' || (header.q !== 0 && header.q !== 1)) return undefined;
  const expiresAt = header.e ?? (header.x === undefined ? undefined : now + header.x);
  const message: BridgedMessage = {
    topic,
    payload: buffer.subarray(4 + length),
    qos: header.q,
    retain: header.r === 1,
    properties: header.p === undefined ? {} : decodeProperties(header.p),
    ...(expiresAt === undefined ? {} : { expiresAt }),
  };
  return { origin: header.o, seq: header.s, message };
}

function hasProperties(p: BridgedProperties): boolean {
  return p.payloadFormatIndicator !== undefined || p.contentType !== undefined || p.responseTopic !== undefined || p.correlationData !== undefined || p.userProperties !== undefined;
}

function encodeProperties(p: BridgedProperties): NonNullable<Header['p']> {
  return {
    ...(p.payloadFormatIndicator === undefined ? {} : { f: p.payloadFormatIndicator }),
    ...(p.contentType === undefined ? {} : { c: p.contentType }),
    ...(p.responseTopic === undefined ? {} : { t: p.responseTopic }),
    ...(p.correlationData === undefined ? {} : { d: Buffer.from(p.correlationData).toString('base64') }),
    ...(p.userProperties === undefined ? {} : { u: p.userProperties }),
  };
}

function decodeProperties(p: NonNullable<Header['p']>): BridgedProperties {
  return {
    ...(p.f === undefined ? {} : { payloadFormatIndicator: p.f }),
    ...(p.c === undefined ? {} : { contentType: p.c }),
    ...(p.t === undefined ? {} : { responseTopic: p.t }),
    ...(p.d === undefined ? {} : { correlationData: Buffer.from(p.d, 'base64') }),
    ...(p.u === undefined ? {} : { userProperties: p.u }),
  };
}

/** A persistent session handed to the node its client moved to. */
export function encodeSession(session: BridgedSession, origin: string, now: number): unknown {
  return { subscriptions: session.subscriptions, queued: session.queued.map((m) => ({ topic: m.topic, frame: Buffer.from(encodeFrame(m, origin, 0, now, 'left')).toString('base64') })) };
}

export function decodeSession(body: unknown, now: number): BridgedSession | undefined {
  const value = body as { subscriptions?: unknown; queued?: unknown } | null;
  if (value === null || typeof value !== 'object' || !Array.isArray(value.subscriptions) || !Array.isArray(value.queued)) return undefined;
  const queued = (value.queued as Array<{ topic: string; frame: string }>).map((q) => decodeFrame(Buffer.from(q.frame, 'base64'), q.topic, now)?.message).filter((m): m is BridgedMessage => m !== undefined);
  return { subscriptions: value.subscriptions as BridgedSession['subscriptions'], queued };
}
