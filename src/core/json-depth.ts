/**
 * The nesting depth of JSON text, found by one scan of its characters (no parsing, no recursion):
 * objects and arrays each add a level, brackets inside strings do not count. Stops as soon as the
 * depth passes `limit`, so a hostile input costs no more than the text up to that point.
 */
export function jsonDepth(text: string, limit = Infinity): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \ */) i++;
      else if (c === 34 /* " */) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 /* { */ || c === 91 /* [ */) {
      depth++;
      if (depth > max) {
        max = depth;
        if (max > limit) return max;
      }
    } else if (c === 125 /* } */ || c === 93 /* ] */) depth--;
  }
  return max;
}

/** The nesting depth of a parsed value (objects and arrays), found without recursion; stops past `limit`. */
export function valueDepth(value: unknown, limit = Infinity): number {
  if (typeof value !== 'object' || value === null) return 0;
  let max = 0;
  const stack: Array<{ readonly value: object; readonly depth: number }> = [{ value, depth: 1 }];
  while (stack.length > 0) {
    const { value: node, depth } = stack.pop() as { value: object; depth: number };
    if (depth > max) {
      max = depth;
      if (max > limit) return max;
    }
    for (const child of Array.isArray(node) ? node : Object.values(node)) {
      if (typeof child === 'object' && child !== null) stack.push({ value: child as object, depth: depth + 1 });
    }
  }
  return max;
}
