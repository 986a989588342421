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

/** AWS `Tag` list → stored tags (a missing Value is an empty string, as AWS stores it). */
export function resourceTags(list: ReadonlyArray<{ Key: string; Value?: string | undefined }> | undefined): Array<{ key: string; value: string }> | undefined {
  return list?.map((t) => ({ key: t.Key, value: t.Value ?? '' }));
}
