import type { Socket } from 'node:net';
import type { Clock } from '../core/index.js';

export type LimitName = 'max_connections' | 'connect_rate';

interface Window {
  start: number;
  count: number;
}

/**
 * Socket-level admission, before the TLS handshake spends CPU: a cap on open connections across
 * listeners, and a fixed-window cap on connection attempts per source IP (flapping devices).
 */
export class ConnectionLimiter {
  private open = 0;
  private readonly windows = new Map<string, Window>();

  constructor(
    private readonly limits: { readonly maxConnections: number; readonly maxPerIp: number; readonly windowMs: number },
    private readonly clock: Clock,
    private readonly onLimit: (limit: LimitName, ip: string | undefined) => void,
  ) {}

  get openConnections(): number {
    return this.open;
  }

  /** Admits or destroys a new socket; an admitted socket is counted until it closes. */
  admit(socket: Socket): boolean {
    const ip = sourceIpOf(socket);
    if (this.open >= this.limits.maxConnections) return this.refuse(socket, 'max_connections', ip);
    if (ip !== undefined && !this.withinRate(ip)) return this.refuse(socket, 'connect_rate', ip);
    this.open++;
    socket.once('close', () => this.open--);
    return true;
  }

  private withinRate(ip: string): boolean {
    const now = this.clock.now();
    let window = this.windows.get(ip);
    if (window === undefined || now - window.start >= this.limits.windowMs) {
      // Old windows are swept when the map grows, so one-off IPs cannot pile up.
      if (window === undefined && this.windows.size >= 10_000) this.sweep(now);
      window = { start: now, count: 0 };
      this.windows.set(ip, window);
    }
    window.count++;
    return window.count <= this.limits.maxPerIp;
  }

  private sweep(now: number): void {
    for (const [ip, window] of this.windows) if (now - window.start >= this.limits.windowMs) this.windows.delete(ip);
  }

  private refuse(socket: Socket, limit: LimitName, ip: string | undefined): false {
    this.onLimit(limit, ip);
    socket.destroy();
    return false;
  }
}

/** The peer address, without the IPv4-mapped IPv6 prefix. */
export function sourceIpOf(socket: { remoteAddress?: string | undefined }): string | undefined {
  const address = socket.remoteAddress;
  return address?.startsWith('::ffff:') === true ? address.slice(7) : address;
}
