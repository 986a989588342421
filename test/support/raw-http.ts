import { connect, type Socket } from 'node:net';

/** What a raw HTTP exchange saw: the response head and body text, and when the server closed. */
export interface RawExchange {
  readonly socket: Socket;
  /** Resolves with the response text (status line, headers, body) once the server closes. */
  readonly closed: Promise<{ readonly text: string; readonly status: number; readonly body: string; readonly afterMs: number }>;
}

/**
 * Opens a TCP connection to an HTTP `url` and writes `head` (request line and headers, CRLF-ended),
 * for tests of slow and hostile clients: the caller writes body bytes at its own pace.
 */
export function rawHttp(url: string, head: string): RawExchange {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  socket.on('error', () => undefined);
  const started = Date.now();
  let text = '';
  socket.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
  socket.write(head);
  const closed = new Promise<{ text: string; status: number; body: string; afterMs: number }>((resolve) => {
    socket.once('close', () => {
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0);
      const split = text.indexOf('\r\n\r\n');
      resolve({ text, status, body: split < 0 ? '' : text.slice(split + 4), afterMs: Date.now() - started });
    });
  });
  return { socket, closed };
}

/** Writes one byte every `everyMs` until the socket closes. */
export function dribble(socket: Socket, everyMs: number): void {
  const timer = setInterval(() => {
    if (socket.destroyed || !socket.writable) return clearInterval(timer);
    socket.write('x');
  }, everyMs);
  socket.once('close', () => clearInterval(timer));
}
