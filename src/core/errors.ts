import type { ErrorCode } from './error-codes/index.js';

/** Where in an input an error sits: a dotted path, a byte/char offset, or both. */
export interface ErrorSpan {
  readonly path?: string;
  readonly offset?: number;
  readonly length?: number;
}

export interface VigilErrorInit {
  readonly hint?: string;
  readonly span?: ErrorSpan;
  readonly details?: Readonly<Record<string, unknown>>;
  readonly cause?: unknown;
}

/**
 * An expected failure with a stable machine code from the closed list (`area.what`, e.g.
 * `config.invalid`; `error-codes/`), a human message and, where it helps, a hint saying what to do.
 * Edges (HTTP, CLI, MQTT, HEC) map codes in one place each.
 */
export class VigilError extends Error {
  readonly code: ErrorCode;
  readonly hint: string | undefined;
  readonly span: ErrorSpan | undefined;
  readonly details: Readonly<Record<string, unknown>> | undefined;

  constructor(code: ErrorCode, message: string, init: VigilErrorInit = {}) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'VigilError';
    this.code = code;
    this.hint = init.hint;
    this.span = init.span;
    this.details = init.details;
  }

  toJSON(): { code: ErrorCode; message: string; hint?: string } {
    return this.hint === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, hint: this.hint };
  }
}

export function isVigilError(value: unknown): value is VigilError {
  return value instanceof VigilError;
}

/** Wraps anything thrown into a VigilError, keeping VigilErrors as they are. */
export function toVigilError(value: unknown, code: ErrorCode = 'internal.unexpected'): VigilError {
  if (value instanceof VigilError) return value;
  const message = value instanceof Error ? value.message : String(value);
  return new VigilError(code, message, { cause: value });
}
