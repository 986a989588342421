/** Helpers shared by the AWS IoT route files (rest-json: times are epoch seconds, unset members are left out). */

/** rest-json timestamps: epoch seconds. */
export function seconds(ms: number): number {
  return ms / 1000;
}

/** Drops undefined members so responses carry only what is set. */
export function compact<T extends Record<string, unknown>>(value: T): T {
  for (const key of Object.keys(value)) if (value[key] === undefined) delete value[key];
  return value;
}
