import { randomBytes } from 'node:crypto';

/** A random 128-bit id as 32 lowercase hex characters (violation ids, task ids, finding ids). */
export function newId(): string {
  return randomBytes(16).toString('hex');
}

const ID_PATTERN = /^[0-9a-f]{32}$/;

export function isId(value: string): boolean {
  return ID_PATTERN.test(value);
}

/** A random secret of `bytes` bytes, URL-safe base64 without padding. */
export function newSecret(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}
