/** Marks a `*` wildcard in a compiled pattern (U+0000 cannot occur in MQTT topics or client ids). */
export const ANY = '\u0000';
/** Marks a `?` wildcard in a compiled pattern. */
export const ONE = '\uFFFE';

/** Turns policy text into a pattern: `*` and `?` become wildcards, everything else is literal. */
export function toPattern(text: string): string {
  return text.replace(/\*/g, ANY).replace(/\?/g, ONE);
}

/** True when the pattern has no wildcard, so a plain comparison will do. */
export function isLiteral(pattern: string): boolean {
  return !pattern.includes(ANY) && !pattern.includes(ONE);
}

/**
 * Wildcard match: `ANY` matches any sequence (across `/` levels), `ONE` exactly one character.
 * Linear-time greedy matching with a single backtrack point per star.
 */
export function globMatch(pattern: string, text: string): boolean {
  const plength = pattern.length;
  const tlength = text.length;
  let p = 0;
  let t = 0;
  let star = -1;
  let mark = 0;
  while (t < tlength) {
    const c = p < plength ? pattern.charCodeAt(p) : -1;
    if (c === ONE_CODE || (c === text.charCodeAt(t) && c !== ANY_CODE)) {
      p++;
      t++;
    } else if (c === ANY_CODE) {
      star = p++;
      mark = t;
    } else if (star !== -1) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < plength && pattern.charCodeAt(p) === ANY_CODE) p++;
  return p === plength;
}

const ANY_CODE = ANY.charCodeAt(0);
const ONE_CODE = ONE.charCodeAt(0);
