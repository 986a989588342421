/**
 * core: the vocabulary every other module shares. Errors as values with stable codes (the closed
 * code tables of every module, `error-codes/`), `Result`, injectable time (`Clock`, `Timer`, and
 * `FakeTime` for tests), ids, retries with backoff, page draining, byte and duration units, seeded
 * random numbers, where the package's own files are. It imports nothing from the project and nothing from npm.
 */
export { VigilError, isVigilError, toVigilError, type ErrorSpan, type VigilErrorInit } from './errors.js';
export {
  ERROR_CODES,
  ERROR_KINDS,
  ERROR_MODULES,
  REPORT_REJECTION_ERRORS,
  errorKind,
  isErrorCode,
  type ErrorCode,
  type ErrorKind,
  type ErrorModule,
  type ModuleErrorCode,
  type ReportRejectionCode,
} from './error-codes/index.js';
export { ok, err, unwrap, attempt, attemptAsync, present, type Result, type Ok, type Err } from './result.js';
export { systemClock, systemTimer, FakeTime, type Clock, type Timer, type TimerHandle } from './clock.js';
export { DueTimer } from './due-timer.js';
export { newId, isId, newSecret } from './ids.js';
export { backoffDelay, defaultBackoff, type BackoffPolicy } from './backoff.js';
export { isRetryableStatus, retry, type Attempt, type RetryOptions, type RetryOutcome } from './retry.js';
export { pages, eachPage, type CursorPage } from './pages.js';
export { parseBytes, parseDuration, formatBytes } from './units.js';
export { constantTimeEqual } from './secrets.js';
export { hashSeed, seededRandom } from './random.js';
export { packageRoot, packageFile, packageVersion } from './package-root.js';
export { jsonDepth, valueDepth } from './json-depth.js';
export { storageFailure, describeStorageFailure, type StorageFailureKind } from './storage-failure.js';
