import { VigilError } from '../../core/index.js';
import type { Span } from './ast.js';

/** Where a subsearch `[ … ]` sits: `start` at `[`, `end` just past its `]`. */
export interface SubsearchSpan {
  readonly start: number;
  readonly end: number;
}

/**
 * Finds the outermost subsearches: a `[` that starts a token (at the start, or after whitespace,
 * `(` or `,`) outside quotes, up to its matching `]`. A `[` inside a word (`sshd[311]`) is text.
 */
export function findSubsearches(text: string): SubsearchSpan[] {
  const out: SubsearchSpan[] = [];
  let quote = false;
  let open = -1;
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === '"') quote = false;
      continue;
    }
    if (c === '"') quote = true;
    else if (c === '[') {
      if (open >= 0) depth++;
      else if (i === 0 || /[\s(,|]/.test(text[i - 1] as string)) {
        open = i;
        depth = 0;
      }
    } else if (c === ']' && open >= 0) {
      if (depth > 0) depth--;
      else {
        out.push({ start: open, end: i + 1 });
        open = -1;
      }
    }
  }
  if (open >= 0) throw new VigilError('spl.unterminated_subsearch', 'a subsearch [ … ] is not closed', { span: { offset: open, length: text.length - open }, hint: 'add the closing ]' });
  return out;
}

/**
 * Commands whose `[ … ]` argument is a search or pipeline they run themselves (join, append, foreach
 * …), not an implicit subsearch whose rows become a search expression.
 */
export const BRACKET_COMMANDS: ReadonlySet<string> = new Set(['join', 'append', 'appendcols', 'appendpipe', 'union', 'multisearch', 'foreach', 'map']);

/** The command name of the pipeline segment that holds `pos` (between the top-level pipes around it). */
function commandAt(text: string, from: number, pos: number): string {
  let quote = false;
  let depth = 0;
  let segment = from;
  for (let i = from; i < pos; i++) {
    const c = text[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === '"') quote = false;
      continue;
    }
    if (c === '"') quote = true;
    else if (c === '[') depth++;
    else if (c === ']') depth--;
    else if (c === '|' && depth === 0) segment = i + 1;
  }
  return /^\s*([A-Za-z_][A-Za-z0-9_]*)/.exec(text.slice(segment, pos))?.[1]?.toLowerCase() ?? '';
}

/** Outermost `[ … ]` spans within [start, end), as findSubsearches finds them. */
function bracketsIn(text: string, start: number, end: number): SubsearchSpan[] {
  return findSubsearches(text.slice(start, end)).map((b) => ({ start: b.start + start, end: b.end + start }));
}

/**
 * Brackets that are implicit subsearches (their rows become a search expression), at any depth of
 * command arguments: `join x [search a [search b | fields x]]` has one, `[search b | fields x]`.
 * Brackets that are a command's own argument are searched inside, not returned.
 */
export function implicitSubsearches(text: string, start = 0, end = text.length): SubsearchSpan[] {
  const out: SubsearchSpan[] = [];
  for (const b of bracketsIn(text, start, end)) {
    if (BRACKET_COMMANDS.has(commandAt(text, start, b.start))) out.push(...implicitSubsearches(text, b.start + 1, b.end - 1));
    else out.push(b);
  }
  return out;
}

/** The `[ … ]` arguments of a bracket command within its argument range. */
export function argumentBrackets(text: string, start: number, end: number): SubsearchSpan[] {
  return bracketsIn(text, start, end);
}

/** Spec C.4 `[subsearch] maxout`: rows a subsearch contributes (later rows are dropped). */
export const SUBSEARCH_MAXOUT = 10_000;
/** Spec C.4 `[subsearch] maxtime`: a subsearch running longer fails the search. */
export const SUBSEARCH_MAXTIME_MS = 60_000;
/** Subsearches inside subsearches, at most this deep. */
export const SUBSEARCH_MAX_DEPTH = 4;

/** A subsearch's output as the outer search needs it. */
export interface SubsearchRows {
  readonly columns: readonly string[];
  readonly rows: ReadonlyArray<Readonly<Record<string, string | string[]>>>;
}

/** The query with every subsearch replaced, and how to map offsets in it back to the original. */
export interface ExpandedQuery {
  readonly query: string;
  mapSpan(span: Span): Span;
}

const FIELD_NAME = /^[^\s()=,"<>!|[\]]+$/;

function quote(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/**
 * A subsearch's rows as a search expression (what Splunk's implicit `format` makes): fields within a
 * row are AND-ed, rows OR-ed, a multivalue becomes an OR of its values: `( ( x="a" ) OR ( x="b" AND
 * y="c" ) )`. Fields starting with `_` (`_time`, `_raw` that `fields` keeps) are left out, and so are
 * names that cannot be written as `name=value`. A field named `search` is spliced in as raw search
 * text, `query` as a quoted phrase. No rows (or rows without any field) give `NOT ()`, which matches
 * nothing.
 */
export function formatSubsearch(result: SubsearchRows): string {
  const clauses: string[] = [];
  const seen = new Set<string>();
  for (const row of result.rows) {
    const parts: string[] = [];
    for (const column of result.columns) {
      const value = row[column];
      if (value === undefined || column.startsWith('_')) continue;
      const values = Array.isArray(value) ? value : [value];
      if (values.length === 0) continue;
      let one: (v: string) => string;
      if (column === 'search') one = (v) => `( ${v} )`;
      else if (column === 'query') one = (v) => quote(v);
      else if (FIELD_NAME.test(column)) one = (v) => `${column}=${quote(v)}`;
      else continue;
      parts.push(values.length === 1 ? one(values[0] as string) : `( ${values.map(one).join(' OR ')} )`);
    }
    if (parts.length === 0) continue;
    const clause = `( ${parts.join(' AND ')} )`;
    if (seen.has(clause)) continue;
    seen.add(clause);
    clauses.push(clause);
  }
  return clauses.length === 0 ? 'NOT ()' : `( ${clauses.join(' OR ')} )`;
}

/**
 * Runs each outermost subsearch (`run` gets its text without the brackets and where that text
 * starts) and splices the formatted results into the query. Nested subsearches expand inside `run`.
 */
export async function expandSubsearches(query: string, run: (text: string, offset: number) => Promise<SubsearchRows>): Promise<ExpandedQuery> {
  const found = implicitSubsearches(query);
  if (found.length === 0) return { query, mapSpan: (span) => span };
  let out = '';
  let from = 0;
  const edits: Array<{ start: number; end: number; newStart: number; newEnd: number }> = [];
  for (const sub of found) {
    const text = ` ${formatSubsearch(await run(subsearchText(query, sub), sub.start + 1))} `;
    out += query.slice(from, sub.start);
    edits.push({ start: sub.start, end: sub.end, newStart: out.length, newEnd: out.length + text.length });
    out += text;
    from = sub.end;
  }
  out += query.slice(from);
  const mapOffset = (offset: number): { offset: number; inside?: { start: number; end: number } } => {
    let shift = 0;
    for (const e of edits) {
      if (offset < e.newStart) break;
      if (offset < e.newEnd) return { offset: e.start, inside: e };
      shift = e.end - e.newEnd;
    }
    return { offset: offset + shift };
  };
  return {
    query: out,
    mapSpan(span) {
      const start = mapOffset(span.offset);
      if (start.inside !== undefined) return { offset: start.inside.start, length: start.inside.end - start.inside.start };
      const end = mapOffset(span.offset + span.length);
      return { offset: start.offset, length: Math.max(0, end.offset - start.offset) };
    },
  };
}

/** The text between a subsearch's brackets; an empty subsearch is an error. */
export function subsearchText(query: string, sub: SubsearchSpan): string {
  const inner = query.slice(sub.start + 1, sub.end - 1);
  if (inner.trim() === '') throw new VigilError('spl.missing_argument', 'the subsearch [ ] is empty', { span: { offset: sub.start, length: sub.end - sub.start }, hint: 'e.g. [ search index=main user=bob | fields src ]' });
  return inner;
}

/** An error with its span moved by `map` (unchanged when the span stays, or for errors without an offset). */
export function remapError(error: unknown, map: (span: Span) => Span): unknown {
  if (!(error instanceof VigilError) || error.span?.offset === undefined) return error;
  const from = { offset: error.span.offset, length: error.span.length ?? 1 };
  const span = map(from);
  if (span.offset === from.offset && span.length === from.length) return error;
  return new VigilError(error.code, error.message, { span, cause: error, ...(error.hint === undefined ? {} : { hint: error.hint }) });
}

/** Shifts an error from a subsearch's own text to where that text sits in the outer query. */
export function shiftError(error: unknown, offset: number): unknown {
  return remapError(error, (span) => ({ offset: span.offset + offset, length: span.length }));
}
