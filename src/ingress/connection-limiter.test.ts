import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ConnectionLimiter, type ConnectionLimits, type LimitName } from './connection-limiter.js';

/** Real TCP connections from chosen loopback addresses; the server side of each is handed to the test. */
let server: Server;
let port = 0;
const accepted: Array<(socket: Socket) => void> = [];
const clients: Socket[] = [];

beforeAll(async () => {
  server = createServer((socket) => accepted.shift()?.(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterEach(() => {
  for (const client of clients.splice(0)) client.destroy();
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function accept(from: string): Promise<Socket> {
  return new Promise((resolve) => {
    accepted.push(resolve);
    const client = connect({ host: '127.0.0.1', port, localAddress: from });
    client.on('error', () => undefined);
    clients.push(client);
  });
}

/** Waits for `close` (emitted on a later tick, also for a socket destroyed just now). */
const closed = (socket: Socket): Promise<void> => new Promise((resolve) => socket.once('close', () => resolve()));

function limiter(limits: Partial<ConnectionLimits> = {}) {
  const clock = { t: 1_000_000, now: () => clock.t };
  const hits: LimitName[] = [];
  const started: Socket[] = [];
  const instance = new ConnectionLimiter(
    { maxConnections: 100, maxPending: 2, maxPendingPerIp: 10, maxPerIp: 100, windowMs: 10_000, trustMs: 60_000, maxWaiting: 3, maxWaitMs: 30_000, ...limits },
    clock,
    (limit) => hits.push(limit),
  );
  const admit = async (from: string): Promise<{ socket: Socket; admitted: boolean }> => {
    const socket = await accept(from);
    return { socket, admitted: instance.admit(socket, (s) => started.push(s)) };
  };
  return { instance, clock, hits, started, admit };
}

describe('ConnectionLimiter: connections beyond the pending cap wait for a slot instead of being refused', () => {
  it('queues a connection while max_pending are in progress and starts it when one of them authenticates', async () => {
    const { instance, hits, started, admit } = limiter();
    const a = await admit('127.0.0.1');
    const b = await admit('127.0.0.1');
    const c = await admit('127.0.0.1');
    expect([a.admitted, b.admitted, c.admitted]).toEqual([true, true, true]);
    expect(started).toEqual([a.socket, b.socket]);
    expect(instance.waitingConnections).toBe(1);
    expect(c.socket.destroyed).toBe(false);
    instance.authenticated(a.socket, true);
    expect(started).toEqual([a.socket, b.socket, c.socket]);
    expect(instance.waitingConnections).toBe(0);
    expect(instance.pendingConnections).toBe(2);
    expect(hits).toEqual([]);
  });

  it('starts a waiting connection when a pending one closes', async () => {
    const { instance, started, admit } = limiter();
    const a = await admit('127.0.0.1');
    await admit('127.0.0.1');
    const c = await admit('127.0.0.1');
    a.socket.destroy();
    await closed(a.socket);
    expect(started.at(-1)).toBe(c.socket);
    expect(instance.pendingConnections).toBe(2);
  });

  it('serves waiting connections from known addresses (a device authenticated there) before the others', async () => {
    const { instance, started, admit } = limiter({ maxPending: 4 });
    const first = await admit('127.0.0.3');
    instance.authenticated(first.socket, true);
    const pending = [await admit('127.0.0.1'), await admit('127.0.0.1'), await admit('127.0.0.1'), await admit('127.0.0.1')];
    // The known address has a reserve of a quarter more: one more starts at once, the next waits.
    const reserved = await admit('127.0.0.3');
    expect(started.at(-1)).toBe(reserved.socket);
    const unknown = await admit('127.0.0.2');
    const known = await admit('127.0.0.3');
    expect(instance.waitingConnections).toBe(2);
    instance.authenticated(pending[0]?.socket as Socket, true);
    expect(started.at(-1)).toBe(known.socket);
    expect(started).not.toContain(unknown.socket);
    instance.authenticated(pending[1]?.socket as Socket, true);
    instance.authenticated(pending[2]?.socket as Socket, true);
    expect(started.at(-1)).toBe(unknown.socket);
  });

  it('refuses (closes at accept, pending_handshakes) once max_waiting connections wait', async () => {
    const { instance, hits, admit } = limiter({ maxWaiting: 1 });
    await admit('127.0.0.1');
    await admit('127.0.0.1');
    const waiting = await admit('127.0.0.1');
    const refused = await admit('127.0.0.1');
    expect(waiting.admitted).toBe(true);
    expect(refused.admitted).toBe(false);
    await closed(refused.socket);
    expect(hits).toEqual(['pending_handshakes']);
    expect(instance.waitingConnections).toBe(1);
  });

  it('refuses as before when max_waiting is 0', async () => {
    const { hits, admit } = limiter({ maxWaiting: 0 });
    await admit('127.0.0.1');
    await admit('127.0.0.1');
    const refused = await admit('127.0.0.1');
    expect(refused.admitted).toBe(false);
    expect(hits).toEqual(['pending_handshakes']);
  });

  it('serves the newest waiting connection first (an older one\'s client is the likeliest to have given up)', async () => {
    const { instance, started, admit } = limiter();
    const a = await admit('127.0.0.1');
    const b = await admit('127.0.0.1');
    const older = await admit('127.0.0.1');
    const newer = await admit('127.0.0.1');
    instance.authenticated(a.socket, true);
    expect(started.at(-1)).toBe(newer.socket);
    instance.authenticated(b.socket, true);
    expect(started.at(-1)).toBe(older.socket);
  });

  it('closes a connection that waited longer than max_wait, and starts the others', async () => {
    const { instance, clock, hits, started, admit } = limiter();
    const a = await admit('127.0.0.1');
    await admit('127.0.0.1');
    const old = await admit('127.0.0.1');
    clock.t += 35_000;
    const fresh = await admit('127.0.0.1');
    await closed(old.socket);
    expect(hits).toEqual(['pending_handshakes']);
    expect(instance.waitingConnections).toBe(1);
    instance.authenticated(a.socket, true);
    expect(started).not.toContain(old.socket);
    expect(started.at(-1)).toBe(fresh.socket);
    expect(instance.waitingConnections).toBe(0);
  });

  it('closes a connection that waited longer than max_wait when its turn comes', async () => {
    const { instance, clock, hits, started, admit } = limiter();
    const a = await admit('127.0.0.1');
    await admit('127.0.0.1');
    const old = await admit('127.0.0.1');
    clock.t += 35_000;
    instance.authenticated(a.socket, true);
    await closed(old.socket);
    expect(hits).toEqual(['pending_handshakes']);
    expect(started).not.toContain(old.socket);
    expect(instance.waitingConnections).toBe(0);
    expect(instance.pendingConnections).toBe(1);
  });

  it('forgets a waiting connection its client closed, without counting it as pending', async () => {
    const { instance, started, admit } = limiter();
    const a = await admit('127.0.0.1');
    await admit('127.0.0.1');
    const gone = await admit('127.0.0.1');
    const next = await admit('127.0.0.1');
    gone.socket.destroy();
    await closed(gone.socket);
    expect(instance.waitingConnections).toBe(1);
    expect(instance.openConnections).toBe(3);
    instance.authenticated(a.socket, true);
    expect(started.at(-1)).toBe(next.socket);
    expect(instance.pendingConnections).toBe(2);
    expect(instance.waitingConnections).toBe(0);
  });
});
