import { writeSync } from 'node:fs';
import { pino, type Logger, type DestinationStream } from 'pino';
import { humanLine } from './human-line.js';

export type LogFormat = 'auto' | 'json' | 'pretty';

export interface LoggerOptions {
  readonly level: string;
  readonly format: LogFormat;
  /** Where lines go (JSON, whatever the format); stderr by default so that command output on stdout stays clean. */
  readonly destination?: DestinationStream;
  /** Also append every line, as JSON, here (`log.file`); the caller opens and closes it. */
  readonly file?: { write(line: string): void };
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

/** `auto` is readable lines when a person is watching (stdout and stderr are terminals), JSON otherwise. */
export function resolveLogFormat(format: LogFormat): 'json' | 'pretty' {
  if (format !== 'auto') return format;
  return process.stdout.isTTY === true && process.stderr.isTTY === true ? 'pretty' : 'json';
}

/** JSON lines on stderr, or one readable line per event when `format` resolves to `pretty`; plus the log file. */
export function createLogger(options: LoggerOptions): Logger {
  const base = { level: options.level, base: { pid: process.pid }, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } };
  const console = options.destination ?? stderrDestination(resolveLogFormat(options.format));
  const file = options.file;
  return pino(base, file === undefined ? console : { write: (line: string) => void (console.write(line), file.write(line)) });
}

function stderrDestination(format: 'json' | 'pretty'): DestinationStream {
  if (format === 'json') return pino.destination({ dest: 2, sync: true });
  const colour = process.stderr.isTTY === true && process.stderr.hasColors();
  return { write: (line: string) => void writeSync(2, humanLine(line, colour)) };
}
