/**
 * What an error means to the caller, whichever module raised it. Every code declares one kind; each
 * edge (HTTP status, CLI exit code, HEC reply) maps every kind, so a code never reaches an edge
 * unmapped.
 */
export const ERROR_KINDS = {
  invalid: 'the request or input is malformed or breaks a rule; fix it and send it again',
  not_found: 'the named resource does not exist',
  already_exists: 'a resource of that name or id exists already',
  conflict: 'the resource is in a state that does not allow the operation',
  delete_conflict: 'the resource is still in use and cannot be deleted',
  version_conflict: 'the resource changed since the version the caller named',
  limit_exceeded: 'a documented limit on the number of resources is reached',
  too_large: 'the request or its output is larger than a documented limit',
  throttled: 'too many requests; retry later',
  unauthenticated: 'the caller sent no credentials or credentials Vigil does not know',
  forbidden: 'the credentials are known but do not allow the request',
  cancelled: 'the operation was cancelled before it finished',
  timeout: 'the operation ran longer than its configured limit',
  unavailable: 'the component that would answer is not running, not wired or busy; retry later',
  upstream: 'a peer Vigil delivers to (webhook, topic, action) failed',
  fault: 'the machine failed (disk, database, files): not the caller\'s fault and not a bug',
  internal: 'a bug in Vigil: the server log has the details',
} as const;

export type ErrorKind = keyof typeof ERROR_KINDS;

/** A module's codes: `area.what` → kind. */
export type CodeTable = Readonly<Record<string, ErrorKind>>;
