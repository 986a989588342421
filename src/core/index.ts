/**
 * core: the vocabulary every other module shares. Errors as values with stable codes, `Result`,
 * injectable time (`Clock`, `Timer`, and `FakeTime` for tests), ids, retry backoff, byte and
 * duration units, seeded random numbers. It imports nothing from the project and nothing from npm.
 */
export { VigilError, isVigilError, toVigilError, type ErrorSpan, type VigilErrorInit } from './errors.js';
export { ok, err, unwrap, attempt, type Result, type Ok, type Err } from './result.js';
export { systemClock, systemTimer, FakeTime, type Clock, type Timer, type TimerHandle } from './clock.js';
export { DueTimer } from './due-timer.js';
export { newId, isId, newSecret } from './ids.js';
export { backoffDelay, defaultBackoff, type BackoffPolicy } from './backoff.js';
export { parseBytes, parseDuration, formatBytes } from './units.js';
export { constantTimeEqual } from './secrets.js';
export { hashSeed, seededRandom } from './random.js';
export { jsonDepth, valueDepth } from './json-depth.js';
export { storageFailure, describeStorageFailure, type StorageFailureKind } from './storage-failure.js';
