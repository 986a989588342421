import type { FastifyReply, FastifyRequest } from 'fastify';
import { VigilError, describeStorageFailure, errorKind, storageFailure, toVigilError, type ErrorCode, type ErrorKind } from '../core/index.js';

/** How a route family reports errors: AWS rest-json, AWS JSON 1.1 (Firehose), or Vigil's own. */
export type ErrorStyle = 'aws-rest' | 'aws-json' | 'vigil';

export interface ErrorMapping {
  readonly status: number;
  readonly awsType: string;
}

/** The HTTP answer for each kind of error: every kind has a row, so every code has a status. */
export const HTTP_BY_KIND = {
  invalid: { status: 400, awsType: 'InvalidRequestException' },
  not_found: { status: 404, awsType: 'ResourceNotFoundException' },
  already_exists: { status: 409, awsType: 'ResourceAlreadyExistsException' },
  conflict: { status: 409, awsType: 'ConflictException' },
  delete_conflict: { status: 409, awsType: 'DeleteConflictException' },
  version_conflict: { status: 409, awsType: 'VersionConflictException' },
  limit_exceeded: { status: 410, awsType: 'LimitExceededException' },
  too_large: { status: 413, awsType: 'InvalidRequestException' },
  throttled: { status: 429, awsType: 'ThrottlingException' },
  unauthenticated: { status: 401, awsType: 'UnrecognizedClientException' },
  forbidden: { status: 403, awsType: 'AccessDeniedException' },
  cancelled: { status: 409, awsType: 'ConflictException' },
  timeout: { status: 504, awsType: 'ServiceUnavailableException' },
  unavailable: { status: 503, awsType: 'ServiceUnavailableException' },
  upstream: { status: 502, awsType: 'ServiceUnavailableException' },
  fault: { status: 500, awsType: 'InternalFailureException' },
  internal: { status: 500, awsType: 'InternalFailureException' },
} as const satisfies Record<ErrorKind, ErrorMapping>;

/**
 * Codes whose answer is not their kind's: the AWS SDKs turn these exception names into their own
 * error classes, and SigV4 failures are 403 on AWS.
 */
export const HTTP_BY_CODE = {
  'auth.missing_credentials': { status: 401, awsType: 'MissingAuthenticationTokenException' },
  'auth.unknown_access_key': { status: 403, awsType: 'UnrecognizedClientException' },
  'auth.signature_mismatch': { status: 403, awsType: 'InvalidSignatureException' },
  'auth.malformed_signature': { status: 403, awsType: 'IncompleteSignatureException' },
  'auth.request_expired': { status: 403, awsType: 'InvalidSignatureException' },
  'auth.wrong_service': { status: 403, awsType: 'InvalidSignatureException' },
  'firehose.invalid_argument': { status: 400, awsType: 'InvalidArgumentException' },
  'firehose.resource_in_use': { status: 400, awsType: 'ResourceInUseException' },
  'firehose.unknown_operation': { status: 400, awsType: 'UnknownOperationException' },
  'policy.malformed': { status: 400, awsType: 'MalformedPolicyException' },
  'policy.foreign_arn': { status: 400, awsType: 'MalformedPolicyException' },
  'policy.versions_limit_exceeded': { status: 409, awsType: 'VersionsLimitExceededException' },
  'certificate.state_conflict': { status: 406, awsType: 'CertificateStateException' },
  'certificate.validation_failed': { status: 400, awsType: 'CertificateValidationException' },
  'ca_certificate.registration_code_mismatch': { status: 400, awsType: 'RegistrationCodeValidationException' },
  'detect_mitigation.task_already_exists': { status: 400, awsType: 'TaskAlreadyExistsException' },
} as const satisfies Partial<Record<ErrorCode, ErrorMapping>>;

/** The HTTP status and AWS error type of a Vigil error code: the API's one mapping. */
export function mapErrorCode(code: ErrorCode): ErrorMapping {
  return (HTTP_BY_CODE as Partial<Record<ErrorCode, ErrorMapping>>)[code] ?? HTTP_BY_KIND[errorKind(code)];
}

export function errorStyleFor(request: FastifyRequest): ErrorStyle {
  const configured = (request.routeOptions.config as { errorStyle?: ErrorStyle } | undefined)?.errorStyle;
  if (configured !== undefined) return configured;
  const path = request.url;
  if (path.startsWith('/api/v1') || path === '/metrics' || path.startsWith('/metrics?') || path === '/health') return 'vigil';
  return 'aws-rest';
}

/** Writes an error in the style of the route it answers. Internal errors never leak their details. */
export function sendError(reply: FastifyReply, error: VigilError, style: ErrorStyle): FastifyReply {
  const mapping = mapErrorCode(error.code);
  // A bug or a machine failure says nothing to the caller beyond "see the log".
  const kind = errorKind(error.code);
  const internal = kind === 'internal' || kind === 'fault';
  const message = internal ? 'internal error; see the server log' : error.message;
  if (style === 'vigil') {
    const body: Record<string, unknown> = { code: internal ? 'internal.error' : error.code, message };
    if (error.hint !== undefined && !internal) body['hint'] = error.hint;
    return reply.status(mapping.status).type('application/json').send(body);
  }
  reply.header('x-amzn-ErrorType', mapping.awsType);
  const body = style === 'aws-json' ? { __type: mapping.awsType, message } : { message };
  return reply.status(mapping.status).type(style === 'aws-json' ? 'application/x-amz-json-1.1' : 'application/json').send(body);
}

/** Turns fastify's own errors (validation, body limit, bad JSON) into VigilErrors with stable codes. */
export function fromFastifyError(error: unknown): VigilError {
  if (error instanceof VigilError) return error;
  const candidate = error as { code?: string; statusCode?: number; validation?: unknown; message?: string };
  if (candidate.validation !== undefined) return new VigilError('api.invalid_request', candidate.message ?? 'invalid request');
  if (candidate.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return new VigilError('api.body_too_large', 'request body is larger than api.body_limit_bytes');
  if (candidate.statusCode !== undefined && candidate.statusCode >= 400 && candidate.statusCode < 500) {
    return new VigilError('api.invalid_request', candidate.message ?? 'invalid request');
  }
  // A full disk or a locked store is the environment's condition: 503, so that clients retry.
  const storage = storageFailure(error);
  if (storage !== undefined) return new VigilError('store.unavailable', `${describeStorageFailure(storage)}; retry later`, { cause: error, hint: storage === 'busy' ? 'another process holds a write lock on the store' : 'free space in the data directory (or fix its file system); Vigil resumes by itself' });
  return toVigilError(error);
}
