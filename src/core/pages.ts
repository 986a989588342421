/** One page of a paged listing, and the cursor of the next page (none: this page is the last). */
export interface CursorPage<T> {
  readonly items: readonly T[];
  readonly next: string | undefined;
}

/** Each page of a listing in turn, from the first (cursor undefined) until a page names no next one. */
export async function* eachPage<T>(fetch: (cursor: string | undefined) => Promise<CursorPage<T>>): AsyncGenerator<readonly T[], void, undefined> {
  let cursor: string | undefined;
  do {
    const page = await fetch(cursor);
    yield page.items;
    cursor = page.next;
  } while (cursor !== undefined);
}

/** Every item of a paged listing, in order. */
export async function pages<T>(fetch: (cursor: string | undefined) => Promise<CursorPage<T>>): Promise<T[]> {
  const out: T[] = [];
  for await (const items of eachPage(fetch)) out.push(...items);
  return out;
}
