import type { Io } from './output.js';

/** What every command group receives: output streams and the process environment. */
export interface CliContext {
  readonly io: Io;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Sets the process exit code (commands that finish without throwing but must not exit 0). */
  setExitCode(code: number): void;
}
