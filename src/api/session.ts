import { createHash } from 'node:crypto';
import { VigilError, constantTimeEqual, newSecret, type Clock } from '../core/index.js';

/** The console's session cookie. httpOnly + SameSite=Strict; the CSRF token travels in a header. */
export const SESSION_COOKIE = 'vigil_session';
export const CSRF_HEADER = 'x-csrf-token';

export interface ConsoleSession {
  readonly csrfToken: string;
  readonly createdAt: number;
  readonly expiresAt: number;
}

export interface SessionStore {
  /** Starts a session; returns the cookie value (shown once) and the session. */
  create(): { readonly id: string; readonly session: ConsoleSession };
  /** The live session for a cookie value, or undefined (unknown or expired). Touching extends idle expiry. */
  find(id: string): ConsoleSession | undefined;
  delete(id: string): void;
  /** A one-time sign-in ticket (for links printed by `vigil up --demo`), valid `ttlMs`. */
  createTicket(ttlMs?: number): string;
  /** Consumes a ticket: true once, then false. */
  redeemTicket(ticket: string): boolean;
  readonly ttlMs: number;
}

export interface SessionOptions {
  readonly clock: Clock;
  /** Idle lifetime of a session (default 12 h); each authenticated request extends it. */
  readonly ttlMs?: number;
  /** Upper bound of live sessions; the oldest is dropped past it. */
  readonly maxSessions?: number;
}

// Sessions are keyed by a hash of the cookie value so the map never holds usable credentials.
const hash = (value: string): string => createHash('sha256').update(value).digest('hex');

/** In-memory console sessions (a restart signs everyone out: the API token is the durable credential). */
export function createSessionStore(options: SessionOptions): SessionStore {
  const ttlMs = options.ttlMs ?? 12 * 3600_000;
  const max = options.maxSessions ?? 1000;
  const sessions = new Map<string, { csrfToken: string; createdAt: number; expiresAt: number }>();
  const tickets = new Map<string, number>();
  const now = (): number => options.clock.now();
  return {
    ttlMs,
    create() {
      const id = newSecret(32);
      const session = { csrfToken: newSecret(24), createdAt: now(), expiresAt: now() + ttlMs };
      sessions.set(hash(id), session);
      if (sessions.size > max) {
        const oldest = sessions.keys().next().value;
        if (oldest !== undefined) sessions.delete(oldest);
      }
      return { id, session: { ...session } };
    },
    find(id) {
      const key = hash(id);
      const session = sessions.get(key);
      if (session === undefined) return undefined;
      if (session.expiresAt <= now()) {
        sessions.delete(key);
        return undefined;
      }
      session.expiresAt = now() + ttlMs;
      return { ...session };
    },
    delete(id) {
      sessions.delete(hash(id));
    },
    createTicket(ticketTtlMs = 15 * 60_000) {
      const ticket = newSecret(24);
      tickets.set(hash(ticket), now() + ticketTtlMs);
      return ticket;
    },
    redeemTicket(ticket) {
      const key = hash(ticket);
      const expiry = tickets.get(key);
      tickets.delete(key);
      return expiry !== undefined && expiry > now();
    },
  };
}

/** Reads one cookie from a Cookie header. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (header === undefined) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
}

/** The Set-Cookie value for a session (empty id + maxAge 0 clears it). */
export function sessionCookie(id: string, maxAgeSecs: number, secure: boolean): string {
  return `${SESSION_COOKIE}=${encodeURIComponent(id)}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAgeSecs}${secure ? '; Secure' : ''}`;
}

export function csrfMatches(session: ConsoleSession, header: string | string[] | undefined): boolean {
  const value = Array.isArray(header) ? header[0] : header;
  return value !== undefined && constantTimeEqual(session.csrfToken, value);
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * The cookie path of authentication: a live session authenticates the request; a state-changing
 * request must also carry the session's CSRF token in `X-CSRF-Token`. Returns false when the
 * request has no session cookie at all (the caller then asks for credentials).
 */
export function authenticateSession(request: { method: string; headers: Record<string, string | string[] | undefined> }, sessions: SessionStore): boolean {
  const cookie = readCookie(request.headers.cookie as string | undefined, SESSION_COOKIE);
  if (cookie === undefined || cookie === '') return false;
  const session = sessions.find(cookie);
  if (session === undefined) throw new VigilError('auth.invalid_token', 'the console session has expired or was signed out', { hint: 'sign in again' });
  if (!SAFE_METHODS.has(request.method.toUpperCase()) && !csrfMatches(session, request.headers[CSRF_HEADER])) {
    throw new VigilError('auth.forbidden', 'this request needs the session\'s CSRF token', { hint: 'send the X-CSRF-Token header returned at sign-in' });
  }
  return true;
}

const fallbackStores = new WeakMap<object, SessionStore>();

/** The session store of a server: `deps.sessions`, else one created for these deps. */
export function sessionsOf(deps: { readonly sessions?: SessionStore; readonly clock: Clock }): SessionStore {
  if (deps.sessions !== undefined) return deps.sessions;
  let store = fallbackStores.get(deps);
  if (store === undefined) {
    store = createSessionStore({ clock: deps.clock });
    fallbackStores.set(deps, store);
  }
  return store;
}
