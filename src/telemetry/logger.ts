import { pino, type Logger, type DestinationStream } from 'pino';
import pretty from 'pino-pretty';

export type LogFormat = 'auto' | 'json' | 'pretty';

export interface LoggerOptions {
  readonly level: string;
  readonly format: LogFormat;
  /** Where lines go; stderr by default so that command output on stdout stays clean. */
  readonly destination?: DestinationStream;
}

/** Keys whose values never reach a log line, at any depth we know of. */
export const REDACTED_PATHS = [
  'token',
  'secret',
  'password',
  'authorization',
  'privateKey',
  'secretAccessKey',
  '*.token',
  '*.secret',
  '*.password',
  '*.authorization',
  '*.privateKey',
  '*.secretAccessKey',
  'req.headers.authorization',
  'headers.authorization',
];

/** JSON lines, or human-readable lines when `format` is `pretty` (or `auto` on a TTY). */
export function createLogger(options: LoggerOptions): Logger {
  const usePretty = options.format === 'pretty' || (options.format === 'auto' && options.destination === undefined && process.stderr.isTTY === true);
  const base = { level: options.level, base: { pid: process.pid }, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } };
  if (usePretty) {
    return pino(base, pretty({ destination: 2, sync: true, colorize: process.stderr.isTTY === true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' }));
  }
  return pino(base, options.destination ?? pino.destination({ dest: 2, sync: true }));
}
