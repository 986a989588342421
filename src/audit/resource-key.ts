import { VigilError, err, ok, type Result } from '../core/index.js';
import type { AuditResourceIdentifier } from '../model/index.js';

const MEMBERS = ['deviceCertificateId', 'caCertificateId', 'cognitoIdentityPoolId', 'clientId', 'policyVersionIdentifier', 'account', 'iamRoleArn', 'roleAliasArn', 'issuerCertificateIdentifier', 'deviceCertificateArn'] as const;

/** Canonical text of a resource identifier: members in a fixed order, nested keys sorted (suppressions and filters compare these). */
export function resourceKey(identifier: AuditResourceIdentifier): string {
  const parts: string[] = [];
  for (const member of MEMBERS) {
    const value = identifier[member];
    if (value === undefined) continue;
    if (typeof value === 'string') parts.push(`${member}=${member === 'deviceCertificateId' ? value.replace(/^0x/i, '').toLowerCase() : value}`);
    else parts.push(`${member}=${JSON.stringify(Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined).sort(([a], [b]) => a.localeCompare(b))))}`);
  }
  return parts.join('&');
}

/** Reads an AWS ResourceIdentifier from a request body. */
export function parseResourceIdentifier(value: unknown, name = 'resourceIdentifier'): Result<AuditResourceIdentifier> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return err(new VigilError('audit.invalid_request', `${name} must be an object`));
  const out: Record<string, unknown> = {};
  for (const [key, member] of Object.entries(value)) {
    if (!(MEMBERS as readonly string[]).includes(key)) return err(new VigilError('audit.invalid_request', `${name}.${key} is not a resource identifier member`));
    if (typeof member === 'string' || (typeof member === 'object' && member !== null && !Array.isArray(member))) out[key] = member;
    else return err(new VigilError('audit.invalid_request', `${name}.${key} has the wrong type`));
  }
  if (Object.keys(out).length === 0) return err(new VigilError('audit.invalid_request', `${name} names no resource`));
  return ok(out as AuditResourceIdentifier);
}
