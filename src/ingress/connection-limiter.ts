import { BlockList, isIPv6, type Socket } from 'node:net';
import type { Clock } from '../core/index.js';

export type LimitName = 'max_connections' | 'connect_rate' | 'handshakes_per_ip' | 'pending_handshakes';

export interface ConnectionLimits {
  readonly maxConnections: number;
  /** Unauthenticated connections (TCP accepted, not yet past CONNECT) from one address at a time. */
  readonly maxPendingPerIp: number;
  /** Unauthenticated connections overall; addresses with known devices get a reserve beyond it. */
  readonly maxPending: number;
  /** Connection attempts per address and window that did not authenticate (a token bucket). */
  readonly maxPerIp: number;
  readonly windowMs: number;
  /** How long an address stays "known" after a device authenticated from it. */
  readonly trustMs: number;
  /** Addresses (NAT gateways, load balancers) the per-address limits do not apply to. */
  readonly exempt?: readonly string[];
  /** Connections that wait (no TLS work yet) for a pending slot when `maxPending` is reached; beyond it they are refused. */
  readonly maxWaiting?: number;
  /** A connection that waited longer than this for a pending slot is closed instead of started. */
  readonly maxWaitMs?: number;
}

interface Source {
  tokens: number;
  refilledAt: number;
  /** Unauthenticated connections open now. */
  pending: number;
  /** Certificate-authenticated connections open now. */
  devices: number;
  trustedUntil: number;
}

interface Admitted {
  readonly ip: string | undefined;
  readonly exempt: boolean;
  pending: boolean;
  device: boolean;
  /** Waiting for a pending slot: its TLS has not started (the continuation to start it). */
  start: ((socket: Socket) => void) | undefined;
  readonly socket: Socket;
  readonly since: number;
}

const MAX_SOURCES = 100_000;

/**
 * Socket-level admission, before the TLS handshake spends CPU. Only unauthenticated work is
 * limited: an attempt takes a token from its address's bucket and gives it back once a device
 * authenticates on it, so devices (also many behind one NAT address) never use up their address's
 * budget; a flood of handshakes that never authenticate does, and is then closed at accept.
 * Addresses where devices authenticated recently are "known": their pending and rate allowances
 * grow with the devices connected from them, and they keep a reserve when the global pending cap
 * is reached, so registered devices are served first during a flood from elsewhere.
 *
 * When the global pending cap is reached a connection that passed the per-address checks waits,
 * its TLS not started, in one of two queues (known addresses first) until a pending slot frees up:
 * a reconnect storm after a restart is served at the rate the handshakes allow instead of being
 * refused. The newest waiting connection is served first: under overload an older one's client is
 * the likeliest to have timed out (and to come back as a new connection), so a handshake started
 * for it would be wasted. Only a full queue (`maxWaiting`) refuses; a connection that waited longer
 * than `maxWaitMs` is closed, and one its client closed leaves the queue.
 */
export class ConnectionLimiter {
  private open = 0;
  private pendingTotal = 0;
  private readonly sources = new Map<string, Source>();
  private readonly admitted = new Map<string, Admitted>();
  private readonly exempt: BlockList | undefined;
  /** Connections waiting for a pending slot: [known addresses, others], oldest first. */
  private waiting: [Admitted[], Admitted[]] = [[], []];
  private waitingTotal = 0;

  constructor(
    private readonly limits: ConnectionLimits,
    private readonly clock: Clock,
    private readonly onLimit: (limit: LimitName, ip: string | undefined) => void,
  ) {
    this.exempt = blockList(limits.exempt ?? []);
  }

  get openConnections(): number {
    return this.open;
  }

  get pendingConnections(): number {
    return this.pendingTotal;
  }

  get waitingConnections(): number {
    return this.waitingTotal;
  }

  /**
   * Admits, queues or destroys a new socket; `start` runs once it may begin its TLS handshake (at
   * once, or when a pending slot frees up). An admitted or waiting socket is counted until it closes.
   * False when it was refused (and destroyed).
   */
  admit(socket: Socket, start: (socket: Socket) => void): boolean {
    const ip = sourceIpOf(socket);
    if (this.open >= this.limits.maxConnections) return this.refuse(socket, 'max_connections', ip);
    const now = this.clock.now();
    const exempt = ip !== undefined && this.exempt?.check(ip, isIPv6(ip) ? 'ipv6' : 'ipv4') === true;
    const source = ip === undefined ? undefined : this.source(ip, now);
    const known = source !== undefined && source.trustedUntil > now;
    const full = this.pendingTotal >= this.capacity(known) || this.waiting[known ? 0 : 1].length > 0;
    if (full && this.waitingTotal >= (this.limits.maxWaiting ?? 0)) return this.refuse(socket, 'pending_handshakes', ip);
    if (source !== undefined && !exempt) {
      const extra = known ? source.devices : 0;
      if (source.pending >= this.limits.maxPendingPerIp + extra) return this.refuse(socket, 'handshakes_per_ip', ip);
      this.refill(source, now, this.limits.maxPerIp + extra);
      if (source.tokens < 1) return this.refuse(socket, 'connect_rate', ip);
      source.tokens -= 1;
    }
    const entry: Admitted = { ip, exempt, pending: true, device: false, start: full ? start : undefined, socket, since: now };
    const key = keyOf(socket);
    this.admitted.set(key, entry);
    this.open++;
    if (source !== undefined) source.pending++;
    socket.once('close', () => {
      this.open--;
      this.admitted.delete(key);
      this.release(entry);
      if (entry.device && entry.ip !== undefined) {
        const s = this.sources.get(entry.ip);
        if (s !== undefined) s.devices = Math.max(0, s.devices - 1);
      }
    });
    if (full) {
      const queue = this.waiting[known ? 0 : 1];
      // Entries whose clients closed while waiting leave the queue lazily; keep it bounded.
      if (queue.length > 2 * (this.limits.maxWaiting ?? 0) + 16) this.waiting[known ? 0 : 1] = queue.filter((e) => e.start !== undefined);
      this.expire(this.waiting[known ? 0 : 1], now);
      this.waiting[known ? 0 : 1].push(entry);
      this.waitingTotal++;
      this.next();
    } else {
      this.pendingTotal++;
      start(socket);
    }
    return true;
  }

  /** Unauthenticated connections at once: `maxPending`, and a quarter more for known addresses. */
  private capacity(known: boolean): number {
    return this.limits.maxPending + (known ? Math.ceil(this.limits.maxPending / 4) : 0);
  }

  /** Starts waiting connections, newest first, while pending slots are free (known addresses first). */
  private next(): void {
    const now = this.clock.now();
    for (;;) {
      const queue = this.waiting[0].length > 0 && this.pendingTotal < this.capacity(true) ? this.waiting[0] : this.waiting[1].length > 0 && this.pendingTotal < this.capacity(false) ? this.waiting[1] : undefined;
      const entry = queue?.pop();
      if (entry === undefined) return;
      const start = entry.start;
      if (start === undefined) continue;
      if (now - entry.since > (this.limits.maxWaitMs ?? Number.POSITIVE_INFINITY)) {
        this.drop(entry);
        continue;
      }
      entry.start = undefined;
      this.waitingTotal--;
      this.pendingTotal++;
      start(entry.socket);
    }
  }

  /** Closes the oldest waiting connections that waited too long (and forgets closed ones) at the queue's far end. */
  private expire(queue: Admitted[], now: number): void {
    const maxWaitMs = this.limits.maxWaitMs ?? Number.POSITIVE_INFINITY;
    for (let head = queue[0]; head !== undefined && (head.start === undefined || now - head.since > maxWaitMs); head = queue[0]) {
      queue.shift();
      if (head.start !== undefined) this.drop(head);
    }
  }

  /** A waiting connection that waited too long: closed; never counted as pending, it only gives its address's allowance back. */
  private drop(entry: Admitted): void {
    entry.start = undefined;
    entry.pending = false;
    this.waitingTotal--;
    const source = entry.ip === undefined ? undefined : this.sources.get(entry.ip);
    if (source !== undefined) source.pending = Math.max(0, source.pending - 1);
    this.refuse(entry.socket, 'pending_handshakes', entry.ip);
  }

  /**
   * A connection passed authentication. With `device` (a certificate was checked, not the anonymous
   * plain listener) its token goes back and its address becomes known.
   */
  authenticated(socket: { readonly remoteAddress?: string | undefined; readonly remotePort?: number | undefined }, device: boolean): void {
    const entry = this.admitted.get(keyOf(socket));
    if (entry === undefined || !entry.pending) return;
    this.release(entry);
    if (!device || entry.ip === undefined) return;
    const source = this.source(entry.ip, this.clock.now());
    entry.device = true;
    source.devices++;
    source.trustedUntil = this.clock.now() + this.limits.trustMs;
    if (!entry.exempt) source.tokens = Math.min(source.tokens + 1, this.limits.maxPerIp + source.devices);
  }

  private release(entry: Admitted): void {
    if (!entry.pending) return;
    entry.pending = false;
    const source = entry.ip === undefined ? undefined : this.sources.get(entry.ip);
    if (source !== undefined) source.pending = Math.max(0, source.pending - 1);
    if (entry.start !== undefined) {
      // Closed while waiting: it leaves its queue when its turn comes.
      entry.start = undefined;
      this.waitingTotal--;
      return;
    }
    this.pendingTotal--;
    this.next();
  }

  private source(ip: string, now: number): Source {
    let source = this.sources.get(ip);
    if (source === undefined) {
      if (this.sources.size >= MAX_SOURCES) this.sweep(now);
      source = { tokens: this.limits.maxPerIp, refilledAt: now, pending: 0, devices: 0, trustedUntil: 0 };
      this.sources.set(ip, source);
    }
    return source;
  }

  private refill(source: Source, now: number, capacity: number): void {
    // A clock that jumps back must not stall refills until it catches up.
    const elapsed = Math.max(0, now - source.refilledAt);
    source.tokens = Math.min(capacity, source.tokens + (elapsed * this.limits.maxPerIp) / this.limits.windowMs);
    source.refilledAt = now;
  }

  /** Forgets addresses with nothing open, a full bucket and no trust left, so one-off IPs cannot pile up. */
  private sweep(now: number): void {
    for (const [ip, source] of this.sources) {
      this.refill(source, now, this.limits.maxPerIp + source.devices);
      if (source.pending === 0 && source.devices === 0 && source.trustedUntil <= now && source.tokens >= this.limits.maxPerIp) this.sources.delete(ip);
    }
  }

  private refuse(socket: Socket, limit: LimitName, ip: string | undefined): false {
    this.onLimit(limit, ip);
    socket.destroy();
    return false;
  }
}

function keyOf(socket: { readonly remoteAddress?: string | undefined; readonly remotePort?: number | undefined }): string {
  return `${socket.remoteAddress ?? '?'}|${socket.remotePort ?? '?'}`;
}

function blockList(cidrs: readonly string[]): BlockList | undefined {
  if (cidrs.length === 0) return undefined;
  const list = new BlockList();
  for (const cidr of cidrs) {
    const [address, bits] = cidr.split('/') as [string, string | undefined];
    const family = isIPv6(address) ? 'ipv6' : 'ipv4';
    if (bits === undefined) list.addAddress(address, family);
    else list.addSubnet(address, Number(bits), family);
  }
  return list;
}

/** The peer address, without the IPv4-mapped IPv6 prefix. */
export function sourceIpOf(socket: { remoteAddress?: string | undefined }): string | undefined {
  const address = socket.remoteAddress;
  return address?.startsWith('::ffff:') === true ? address.slice(7) : address;
}
