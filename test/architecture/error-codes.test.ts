import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { mapErrorCode } from '../../src/api/index.js';
import { EXIT, formatCliError } from '../../src/cli/index.js';
import { ERROR_CODES, ERROR_MODULES, VigilError, errorKind, type ErrorCode, type ErrorKind } from '../../src/core/index.js';
import { ERRORS_DOC, errorTable } from '../../scripts/error-table.js';

const codes = Object.keys(ERROR_CODES) as ErrorCode[];
/** Kinds that are not an expected failure: a bug, or the machine failing. Only these may be a 500. */
const NOT_EXPECTED: readonly ErrorKind[] = ['internal', 'fault'];

describe('error codes (docs/errors.md)', () => {
  it('are spelled area.what and owned by exactly one module', () => {
    const seen = new Map<string, string>();
    const twice: string[] = [];
    for (const [module, table] of Object.entries(ERROR_MODULES)) {
      for (const code of Object.keys(table)) {
        if (seen.has(code)) twice.push(`${code} in ${seen.get(code)} and ${module}`);
        seen.set(code, module);
      }
    }
    expect(twice).toEqual([]);
    expect(codes.filter((code) => !/^[a-z][a-z_]*\.[a-z0-9_]+$/.test(code))).toEqual([]);
    expect(codes.length).toBe(seen.size);
  });

  it('each map to the HTTP status and CLI exit code the generated table documents', () => {
    const doc = readFileSync(ERRORS_DOC, 'utf8');
    const rows = new Map<string, { kind: string; status: number; exit: number }>();
    for (const match of doc.matchAll(/^\| `([a-z_.0-9]+)` \| ([a-z_]+) \| (\d+) \| \w+ \| (\d+) \|$/gm)) {
      rows.set(match[1] as string, { kind: match[2] as string, status: Number(match[3]), exit: Number(match[4]) });
    }
    const undocumented = codes.filter((code) => !rows.has(code));
    expect(undocumented).toEqual([]);
    const io = { out: () => undefined, err: () => undefined, isTty: false };
    for (const code of codes) {
      expect({ code, kind: errorKind(code), status: mapErrorCode(code).status, exit: formatCliError(new VigilError(code, 'x'), io) }).toEqual({ code, ...rows.get(code) });
    }
  });

  it('answer no expected failure with a 500, and every bug with one', () => {
    expect(codes.filter((code) => !NOT_EXPECTED.includes(errorKind(code)) && mapErrorCode(code).status === 500)).toEqual([]);
    // An expected failure is the caller's (4xx) or a dependency's that a retry may cure (502, 503, 504).
    expect(codes.filter((code) => !NOT_EXPECTED.includes(errorKind(code)) && !(mapErrorCode(code).status < 500 || [502, 503, 504].includes(mapErrorCode(code).status)))).toEqual([]);
    expect(codes.filter((code) => errorKind(code) === 'internal' && mapErrorCode(code).status !== 500)).toEqual([]);
  });

  it('keep the statuses and exception names the AWS SDKs expect', () => {
    // AWS IoT API reference: each exception's HTTP status.
    expect(mapErrorCode('thing.not_found')).toEqual({ status: 404, awsType: 'ResourceNotFoundException' });
    expect(mapErrorCode('thing.already_exists')).toEqual({ status: 409, awsType: 'ResourceAlreadyExistsException' });
    expect(mapErrorCode('thing_group.version_conflict')).toEqual({ status: 409, awsType: 'VersionConflictException' });
    expect(mapErrorCode('security_profile.limit_exceeded')).toEqual({ status: 410, awsType: 'LimitExceededException' });
    expect(mapErrorCode('certificate.state_conflict')).toEqual({ status: 406, awsType: 'CertificateStateException' });
    expect(mapErrorCode('policy.versions_limit_exceeded')).toEqual({ status: 409, awsType: 'VersionsLimitExceededException' });
    expect(mapErrorCode('detect_mitigation.task_already_exists')).toEqual({ status: 400, awsType: 'TaskAlreadyExistsException' });
    expect(mapErrorCode('auth.signature_mismatch')).toEqual({ status: 403, awsType: 'InvalidSignatureException' });
  });

  it('exit 70 only for a bug', () => {
    const io = { out: () => undefined, err: () => undefined, isTty: false };
    expect(formatCliError(new VigilError('internal.unexpected', 'x'), io)).toBe(EXIT.internal);
    expect(formatCliError(new VigilError('store.locked', 'x'), io)).toBe(EXIT.user);
    expect(formatCliError(new Error('boom'), io)).toBe(EXIT.internal);
  });

  it('docs/errors.md is the generated table (regenerate: npm run docs:errors)', () => {
    expect(readFileSync(ERRORS_DOC, 'utf8')).toBe(errorTable());
  });
});
