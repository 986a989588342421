import type { Socket } from 'node:net';

/** Node's timeouts for an HTTP listener (API, HEC) from its `header_timeout_secs` and `request_timeout_secs`. */
export function httpTimeouts(headerSecs: number, requestSecs: number): { readonly headersMs: number; readonly requestMs: number; readonly checkEveryMs: number } {
  // Node checks the timeouts on an interval (30 s by default) and closes at the first check past
  // them: check often, and arm each one interval early so a connection is closed within its limit.
  const checkEveryMs = Math.max(250, Math.min(1000, Math.floor(Math.min(headerSecs, requestSecs) * 250)));
  const requestMs = requestSecs * 1000 - checkEveryMs;
  // Node refuses a headers timeout longer than the request timeout.
  const headersMs = Math.min(headerSecs * 1000 - checkEveryMs, requestMs);
  return { headersMs, requestMs, checkEveryMs };
}

/** Answers on a raw socket (no request object exists yet) and closes it. */
export function closeWithJson(socket: Socket, status: number, body: unknown): void {
  if (socket.destroyed) return;
  if (socket.writable) {
    const text = JSON.stringify(body);
    const reason = status === 408 ? 'Request Timeout' : status === 431 ? 'Request Header Fields Too Large' : 'Bad Request';
    socket.end(`HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=UTF-8\r\nContent-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`);
  }
  // A client that does not read its answer must not keep the socket: destroy it shortly after.
  setTimeout(() => socket.destroy(), 1000).unref();
}
