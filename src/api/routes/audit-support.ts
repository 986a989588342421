import { VigilError, unwrap } from '../../core/index.js';
import { parseResourceIdentifier } from '../../audit/index.js';
import type { AuditResourceIdentifier } from '../../model/index.js';

/** AWS timestamps: epoch seconds in bodies, ISO 8601 (or epoch seconds) in query strings → epoch ms. */
export function timeMs(value: unknown, name: string): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'number') return Math.round(value * 1000);
  if (typeof value === 'string') {
    if (/^-?[0-9]+(\.[0-9]+)?$/.test(value)) return Math.round(Number(value) * 1000);
    const parsed = Date.parse(value);
    if (!Number.isNaN(parsed)) return parsed;
  }
  throw new VigilError('audit.invalid_request', `${name} is not a timestamp`);
}

export function pageSize(value: unknown): number {
  if (value === undefined || value === null || value === '') return 100;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 250) throw new VigilError('audit.invalid_request', 'maxResults must be 1..250');
  return n;
}

export function strings(value: unknown, name: string): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) throw new VigilError('audit.invalid_request', `${name} must be a list of strings`);
  return value as string[];
}

export function stringMap<T>(value: unknown, name: string, each: (v: unknown, key: string) => T): Record<string, T> | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) throw new VigilError('audit.invalid_request', `${name} must be an object`);
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, each(v, `${name}.${k}`)]));
}

export function identifier(value: unknown): AuditResourceIdentifier {
  return unwrap(parseResourceIdentifier(value));
}

export function optionalIdentifier(value: unknown): AuditResourceIdentifier | undefined {
  return value === undefined || value === null ? undefined : unwrap(parseResourceIdentifier(value));
}

export function boolOf(value: unknown, name: string): boolean | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  throw new VigilError('audit.invalid_request', `${name} must be true or false`);
}
