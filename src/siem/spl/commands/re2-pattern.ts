import { VigilError } from '../../../core/index.js';
import type { Span } from '../ast.js';

/** A user regex rewritten for DuckDB (RE2), with its capture groups. */
export interface Re2Pattern {
  readonly pattern: string;
  /** Named groups with their 1-based capture index, in pattern order. */
  readonly named: ReadonlyArray<{ readonly name: string; readonly index: number }>;
  /** Number of capture groups, named or not. */
  readonly groups: number;
  /** Where the pattern is written in the query. */
  readonly span: Span;
}

const HINT = "Vigil's regex engine is RE2: it has no lookahead/lookbehind, backreferences, atomic groups, possessive quantifiers, conditionals or recursion; rewrite the pattern without it";

/**
 * Rewrites a PCRE pattern (as written in `rex`, `regex`, `makemv tokenizer=`) for RE2: `(?<name>`
 * and `(?'name'` become `(?P<name>`. PCRE features RE2 lacks are rejected with `spl.unsupported_regex`
 * naming the feature; unbalanced parentheses or brackets give `spl.invalid_regex`.
 */
export function re2Pattern(source: string, span: Span): Re2Pattern {
  const unsupported = (what: string): VigilError => new VigilError('spl.unsupported_regex', `the regex uses ${what}, which RE2 does not support`, { span, hint: HINT });
  const invalid = (what: string): VigilError => new VigilError('spl.invalid_regex', `invalid regex: ${what}`, { span });
  const named: Array<{ name: string; index: number }> = [];
  let groups = 0;
  let out = '';
  let depth = 0;
  let inClass = false;
  let afterQuantifier = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i] as string;
    if (c === '\\') {
      const e = source[i + 1];
      if (e === undefined) throw invalid('it ends with a lone backslash');
      if (!inClass) {
        if (/[1-9]/.test(e)) throw unsupported(`a backreference (\\${e})`);
        if (e === 'k' || (e === 'g' && /[{<'\d-]/.test(source[i + 2] ?? ''))) throw unsupported(`a named or relative backreference (\\${e})`);
        if (e === 'G' || e === 'Z' || e === 'R' || e === 'X' || e === 'K') throw unsupported(`\\${e}`);
      }
      out += c + e;
      i++;
      afterQuantifier = false;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      out += c;
      continue;
    }
    if (c === '[') {
      inClass = true;
      out += c;
      // A ']' right after '[' or '[^' is a literal member.
      if (source[i + 1] === '^') out += source[++i];
      if (source[i + 1] === ']') out += source[++i];
      afterQuantifier = false;
      continue;
    }
    if (c === '+' && afterQuantifier) throw unsupported('a possessive quantifier (e.g. a++)');
    if (c === '*' || c === '+' || c === '?' || c === '}') {
      // `x??` / `x*?` are lazy (fine); the `?` itself is not a quantifier to check again.
      afterQuantifier = !(c === '?' && afterQuantifier);
      out += c;
      continue;
    }
    afterQuantifier = false;
    if (c === ')') {
      depth--;
      if (depth < 0) throw invalid("an unmatched ')'");
      out += c;
      continue;
    }
    if (c !== '(') {
      out += c;
      continue;
    }
    depth++;
    const rest = source.slice(i + 1);
    if (rest.startsWith('*')) throw unsupported('a backtracking verb such as (*SKIP)');
    if (!rest.startsWith('?')) {
      groups++;
      out += c;
      continue;
    }
    const name = /^\?(?:P?<([^>=!]*)>|'([^']*)')/.exec(rest);
    if (name !== null) {
      const groupName = (name[1] ?? name[2]) as string;
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(groupName)) throw invalid(`group name '${groupName}' must be letters, digits and _`);
      if (named.some((g) => g.name === groupName)) throw unsupported(`the group name '${groupName}' twice`);
      groups++;
      named.push({ name: groupName, index: groups });
      out += `(?P<${groupName}>`;
      i += name[0].length;
      continue;
    }
    if (rest.startsWith('?<=') || rest.startsWith('?<!')) throw unsupported('a lookbehind (?<= or (?<!');
    if (rest.startsWith('?=') || rest.startsWith('?!')) throw unsupported('a lookahead (?= or (?!');
    if (rest.startsWith('?>')) throw unsupported('an atomic group (?>');
    if (rest.startsWith('?|')) throw unsupported('a branch reset group (?|');
    if (rest.startsWith('?(')) throw unsupported('a conditional group (?(');
    if (rest.startsWith('?#')) throw unsupported('a comment group (?#');
    if (/^\?(?:R|[+-]?\d|&|P>|P=)/.test(rest)) throw unsupported('recursion or a subroutine call');
    out += c;
  }
  if (inClass) throw invalid("a '[' is not closed");
  if (depth > 0) throw invalid("a '(' is not closed");
  return { pattern: out, named, groups, span };
}
