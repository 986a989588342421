import { VigilError } from './errors.js';

/** The outcome of an operation whose failure is expected and must be handled by the caller. */
export type Result<T, E = VigilError> = Ok<T> | Err<E>;

export interface Ok<T> {
  readonly ok: true;
  readonly value: T;
}

export interface Err<E> {
  readonly ok: false;
  readonly error: E;
}

export function ok<T>(value: T): Ok<T> {
  return { ok: true, value };
}

export function err<E>(error: E): Err<E> {
  return { ok: false, error };
}

/** Returns the value or throws the error: for callers where a failure is a bug or must propagate. */
export function unwrap<T, E>(result: Result<T, E>): T {
  if (result.ok) return result.value;
  throw result.error;
}

/** Runs `fn`, turning a thrown VigilError into an `err`; other throws are bugs and propagate. */
export function attempt<T>(fn: () => T): Result<T> {
  try {
    return ok(fn());
  } catch (error) {
    if (error instanceof VigilError) return err(error);
    throw error;
  }
}

/** Awaits `fn`, turning a thrown VigilError into an `err`: for adapting a port that throws. */
export async function attemptAsync<T>(fn: () => Promise<T>): Promise<Result<T>> {
  try {
    return ok(await fn());
  } catch (error) {
    if (error instanceof VigilError) return err(error);
    throw error;
  }
}

/** `value` when it is there, else the error `missing()` builds: a lookup whose miss is an expected failure. */
export function present<T>(value: T | undefined, missing: () => VigilError): Result<T> {
  return value === undefined ? err(missing()) : ok(value);
}
