import { VigilError, errorKind, type ErrorKind } from '../core/index.js';

/** Exit codes: 0 ok, 1 the user's input or environment was wrong, 2 usage, 70 internal fault (EX_SOFTWARE). */
export const EXIT = { ok: 0, user: 1, usage: 2, internal: 70 } as const;

/** The exit code of each kind of error: only a bug is an internal fault. */
export const EXIT_BY_KIND = {
  invalid: EXIT.user,
  not_found: EXIT.user,
  already_exists: EXIT.user,
  conflict: EXIT.user,
  delete_conflict: EXIT.user,
  version_conflict: EXIT.user,
  limit_exceeded: EXIT.user,
  too_large: EXIT.user,
  throttled: EXIT.user,
  unauthenticated: EXIT.user,
  forbidden: EXIT.user,
  cancelled: EXIT.user,
  timeout: EXIT.user,
  unavailable: EXIT.user,
  upstream: EXIT.user,
  fault: EXIT.user,
  internal: EXIT.internal,
} as const satisfies Record<ErrorKind, number>;

/** Where command output goes; tests capture it. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
  readonly isTty: boolean;
}

export const processIo: Io = {
  out: (text) => void process.stdout.write(text),
  err: (text) => void process.stderr.write(text),
  isTty: process.stdout.isTTY === true,
};

/** Thrown by commands for wrong arguments: printed with the usage hint, exit 2. */
export class UsageError extends Error {}

/** The one error formatter of the CLI: message and hint on stderr, and the exit code for it. */
export function formatCliError(error: unknown, io: Io): number {
  if (error instanceof UsageError) {
    io.err(`vigil: ${error.message}\n(see --help)\n`);
    return EXIT.usage;
  }
  if (error instanceof VigilError) {
    io.err(`vigil: ${error.message}\n`);
    const problems = error.details?.['problems'];
    if (Array.isArray(problems) && typeof error.details?.['formatted'] === 'string') io.err(`${error.details['formatted']}\n`);
    if (error.hint !== undefined) io.err(`hint: ${error.hint}\n`);
    return EXIT_BY_KIND[errorKind(error.code)];
  }
  const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
  io.err(`vigil: internal error (a bug; please report it with this output):\n${message}\n`);
  return EXIT.internal;
}

/** Prints rows as an aligned plain-text table. */
export function renderTable(columns: readonly string[], rows: ReadonlyArray<ReadonlyArray<unknown>>): string {
  const cells = [columns, ...rows.map((r) => r.map((c) => (c === undefined || c === null ? '' : String(c))))];
  const widths = columns.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  return `${cells.map((r) => r.map((c, i) => (c ?? '').padEnd(widths[i] ?? 0)).join('  ').trimEnd()).join('\n')}\n`;
}
