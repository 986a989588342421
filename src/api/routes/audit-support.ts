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

/** A resource identifier, parsed by the audit engine (which names what is wrong in AWS's words). */
export function identifier(value: unknown): AuditResourceIdentifier {
  return unwrap(parseResourceIdentifier(value));
}

export function optionalIdentifier(value: unknown): AuditResourceIdentifier | undefined {
  return value === undefined || value === null ? undefined : unwrap(parseResourceIdentifier(value));
}
