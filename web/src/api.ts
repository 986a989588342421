import { signal } from '@preact/signals';

/** An API error as the console shows it: the server's code, message, hint and (SPL) span. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly hint?: string,
    readonly span?: { offset: number; length: number },
    readonly caret?: string,
  ) {
    super(message);
  }
}

/** 'unknown' until the first session check; then whether a session cookie is live. */
export const signedIn = signal<'unknown' | 'yes' | 'no'>('unknown');
let csrfToken = '';

export async function api<T>(method: string, path: string, body?: unknown, options: { signal?: AbortSignal; headers?: Record<string, string> } = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && method !== 'HEAD') headers['x-csrf-token'] = csrfToken;
  const response = await fetch(path, { method, headers, credentials: 'same-origin', body: body === undefined ? undefined : JSON.stringify(body), signal: options.signal });
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  let parsed: Record<string, unknown> = {};
  try {
    parsed = text === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
  } catch {
    parsed = { message: text };
  }
  if (!response.ok) {
    if (response.status === 401 && path !== '/api/v1/session') signedIn.value = 'no';
    const code = (parsed['code'] as string | undefined) ?? response.headers.get('x-amzn-errortype') ?? `http.${response.status}`;
    throw new ApiError(response.status, code, String(parsed['message'] ?? response.statusText), parsed['hint'] as string | undefined, parsed['span'] as { offset: number; length: number } | undefined, parsed['caret'] as string | undefined);
  }
  return parsed as T;
}

export async function checkSession(): Promise<void> {
  try {
    const session = await api<{ principal: string; csrfToken?: string }>('GET', '/api/v1/session');
    csrfToken = session.csrfToken ?? '';
    signedIn.value = session.principal === 'session' ? 'yes' : 'no';
  } catch {
    signedIn.value = 'no';
  }
}

export async function signIn(credential: { token: string } | { ticket: string }): Promise<void> {
  const session = await api<{ csrfToken: string }>('POST', '/api/v1/session', credential);
  csrfToken = session.csrfToken;
  signedIn.value = 'yes';
}

export async function signOut(): Promise<void> {
  try {
    await api('DELETE', '/api/v1/session');
  } finally {
    csrfToken = '';
    signedIn.value = 'no';
  }
}

export const enc = encodeURIComponent;
