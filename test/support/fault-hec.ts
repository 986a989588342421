import { once } from 'node:events';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

/** What the server does with one data request. */
export type HecFault = 'ok' | 'http503' | 'code9' | 'code6' | 'code4' | 'never-ack' | 'drop';

export interface FaultHecOptions {
  readonly token?: string;
  /** Token has indexer acknowledgement (default true). */
  readonly useAck?: boolean;
  /** Serve HTTPS with this key and certificate (PEM). */
  readonly tls?: { readonly key: string; readonly cert: string };
  /** Delay before answering a data request (a slow HEC). */
  readonly responseDelayMs?: number;
  /** How long after acceptance an ackId turns true. */
  readonly ackDelayMs?: number;
  /** Picks the fault for data request number `index` (0-based, probes excluded). */
  readonly fault?: (index: number) => HecFault;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Splits `{…}{…}\n{…}` (HEC event framing) into parsed objects. */
export function splitConcatenatedJson(text: string): unknown[] {
  const out: unknown[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if (c === '{') {
      if (depth === 0) start = i;
      depth++;
    } else if (c === '}') {
      depth--;
      if (depth === 0) out.push(JSON.parse(text.slice(start, i + 1)));
    }
  }
  return out;
}

/**
 * A deliberately unreliable Splunk HEC for tests: real HTTP(S), token and channel checks, the
 * empty-body answer (400 code 5), per-channel sequential ackIds and `/ack` polling, plus injected
 * faults (503, code 9, code 6, acks that never come, dropped connections) and slowness.
 */
export class FaultHec {
  /** Every envelope (event endpoint) or line (raw endpoint) of every request answered code 0. */
  readonly received: unknown[] = [];
  /** Bodies (decompressed) of every request answered code 0. */
  readonly bodies: string[] = [];
  readonly channels = new Set<string>();
  probes = 0;
  dataRequests = 0;
  ackPolls = 0;
  /** Largest number of ackIds asked about in one poll. */
  maxIdsPerPoll = 0;
  /** Largest number of data requests waiting for an ack at once on one channel. */
  maxPendingAcks = 0;
  readonly encodings: string[] = [];
  private server: http.Server | undefined;
  private port = 0;
  private readonly acks = new Map<string, { next: number; pending: Map<number, number | undefined> }>();
  options: FaultHecOptions;

  constructor(options: FaultHecOptions = {}) {
    this.options = options;
  }

  get url(): string {
    return `${this.options.tls === undefined ? 'http' : 'https'}://127.0.0.1:${this.port}`;
  }

  get token(): string {
    return this.options.token ?? '11111111-2222-3333-4444-555555555555';
  }

  /** Ids found at `event.id` (event endpoint) in received envelopes. */
  ids(): number[] {
    return this.received.map((e) => ((e as { event?: { id?: number } }).event?.id ?? -1)).filter((id) => id >= 0);
  }

  /** Starts (or restarts, on the same port) the server. */
  async start(): Promise<void> {
    const handler = (request: http.IncomingMessage, response: http.ServerResponse): void => void this.handle(request, response);
    this.server = this.options.tls === undefined ? http.createServer(handler) : https.createServer({ key: this.options.tls.key, cert: this.options.tls.cert }, handler);
    this.server.keepAliveTimeout = 60_000;
    this.server.listen(this.port, '127.0.0.1');
    await once(this.server, 'listening');
    this.port = (this.server.address() as AddressInfo).port;
  }

  /** Stops listening and drops every open connection (HEC goes down); ack state is lost. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server === undefined) return;
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    this.acks.clear();
  }

  private reply(response: http.ServerResponse, status: number, body: Record<string, unknown>): void {
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end(JSON.stringify(body));
  }

  private async handle(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    let body = Buffer.concat(chunks);
    const url = new URL(request.url ?? '/', 'http://x');
    if (request.headers['authorization'] !== `Splunk ${this.token}`) {
      this.reply(response, request.headers['authorization'] === undefined ? 401 : 403, request.headers['authorization'] === undefined ? { text: 'Token is required', code: 2 } : { text: 'Invalid token', code: 4 });
      return;
    }
    const useAck = this.options.useAck ?? true;
    const channel = String(request.headers['x-splunk-request-channel'] ?? url.searchParams.get('channel') ?? '');
    if (url.pathname === '/services/collector/ack') {
      if (!useAck) return this.reply(response, 400, { text: 'ACK is disabled', code: 14 });
      this.ackPolls++;
      const ids = (JSON.parse(body.toString('utf8')) as { acks: number[] }).acks;
      this.maxIdsPerPoll = Math.max(this.maxIdsPerPoll, ids.length);
      const state = this.acks.get(channel);
      const now = Date.now();
      const acks: Record<string, boolean> = {};
      for (const id of ids) {
        const readyAt = state?.pending.get(id);
        const ready = readyAt !== undefined && readyAt <= now;
        acks[String(id)] = ready;
        if (ready) state?.pending.delete(id);
      }
      return this.reply(response, 200, { acks });
    }
    const isEvent = /^\/services\/collector(\/event)?(\/1\.0)?$/.test(url.pathname);
    const isRaw = /^\/services\/collector\/raw(\/1\.0)?$/.test(url.pathname);
    if (!isEvent && !isRaw) return this.reply(response, 404, { text: 'The requested URL was not found on this server.', code: 404 });
    if (useAck && channel === '') return this.reply(response, 400, { text: 'Data channel is missing', code: 10 });
    if (useAck && !GUID.test(channel)) return this.reply(response, 400, { text: 'Invalid data channel', code: 11 });
    const encoding = String(request.headers['content-encoding'] ?? 'identity');
    if (encoding === 'gzip') body = gunzipSync(body);
    const text = body.toString('utf8');
    if (text.trim() === '') {
      this.probes++;
      return this.reply(response, 400, { text: 'No data', code: 5 });
    }
    const index = this.dataRequests++;
    this.encodings.push(encoding);
    this.channels.add(channel);
    const fault = this.options.fault?.(index) ?? 'ok';
    if (this.options.responseDelayMs !== undefined) await new Promise((r) => setTimeout(r, this.options.responseDelayMs));
    if (fault === 'drop') {
      request.socket.destroy();
      return;
    }
    if (fault === 'http503') return this.reply(response, 503, { text: 'Service Unavailable' });
    if (fault === 'code9') return this.reply(response, 503, { text: 'Server is busy', code: 9 });
    if (fault === 'code6') return this.reply(response, 400, { text: 'Invalid data format', code: 6, 'invalid-event-number': 0 });
    if (fault === 'code4') return this.reply(response, 403, { text: 'Invalid token', code: 4 });
    let events: unknown[];
    try {
      events = isEvent ? splitConcatenatedJson(text) : text.split(/\r?\n/).filter((l) => l.trim() !== '');
    } catch {
      return this.reply(response, 400, { text: 'Invalid data format', code: 6, 'invalid-event-number': 0 });
    }
    this.received.push(...events);
    this.bodies.push(text);
    if (!useAck) return this.reply(response, 200, { text: 'Success', code: 0 });
    let state = this.acks.get(channel);
    if (state === undefined) {
      state = { next: 0, pending: new Map() };
      this.acks.set(channel, state);
    }
    const ackId = state.next++;
    state.pending.set(ackId, fault === 'never-ack' ? undefined : Date.now() + (this.options.ackDelayMs ?? 0));
    this.maxPendingAcks = Math.max(this.maxPendingAcks, state.pending.size);
    this.reply(response, 200, { text: 'Success', code: 0, ackId });
  }
}
