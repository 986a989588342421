import { quoteString } from './relation.js';

/**
 * Splunk's date and time format variables (strftime/strptime, "Date and time format variables" in
 * the Search Reference) rendered to DuckDB SQL, in UTC. Codes DuckDB's own strftime renders the
 * same way go to it in one call; the others (`%e %k %l %s %N %Q %z %Z %+ %c …`) are built here.
 * An unknown code stays in the output as written.
 */

/** Epoch seconds Vigil can render: years 0001 to 9999 (outside, strftime gives null). */
const MIN_EPOCH = -62135596800;
const MAX_EPOCH = 253402300799;

/** DuckDB strftime codes that render exactly as Splunk's (C locale). */
const NATIVE = new Set(['a', 'A', 'b', 'B', 'd', 'H', 'I', 'j', 'm', 'M', 'p', 'S', 'U', 'W', 'w', 'y', 'Y', 'u', 'V', 'G', 'f']);

/** Codes that stand for several others. */
const COMPOSITE: Readonly<Record<string, string>> = {
  F: '%Y-%m-%d',
  T: '%H:%M:%S',
  D: '%m/%d/%y',
  R: '%H:%M',
  r: '%I:%M:%S %p',
  h: '%b',
  c: '%a %b %e %H:%M:%S %Y',
  x: '%m/%d/%y',
  X: '%H:%M:%S',
  '+': '%a %b %e %H:%M:%S %Z %Y',
};

/** One format code as read from the format: `%3N` has width 3, `%::z` has 2 colons. */
interface Code {
  readonly code: string;
  readonly width: number | undefined;
  readonly colons: number;
}

type Piece = { readonly text: string } | Code;

/** Splits a format into literal text and codes (`%%` is a literal `%`). */
function pieces(format: string): Piece[] {
  const out: Piece[] = [];
  let text = '';
  for (let i = 0; i < format.length; i++) {
    const c = format[i] as string;
    if (c !== '%' || i + 1 >= format.length) {
      text += c;
      continue;
    }
    const match = /^%(\d*)(:{0,3})(Ez|[A-Za-z+%])/.exec(format.slice(i));
    if (match === null) {
      text += c;
      continue;
    }
    i += match[0].length - 1;
    const code = match[3] as string;
    if (code === '%') {
      text += '%';
      continue;
    }
    const expanded = COMPOSITE[code];
    if (expanded !== undefined) {
      if (text !== '') out.push({ text });
      text = '';
      out.push(...pieces(expanded));
      continue;
    }
    if (text !== '') out.push({ text });
    text = '';
    out.push({ code, width: match[1] === '' ? undefined : Number(match[1]), colons: (match[2] as string).length });
  }
  if (text !== '') out.push({ text });
  return out;
}

/** `n` digits of the fraction of a second (0 < n ≤ 9), from the epoch rounded to microseconds. */
function subseconds(us: string, digits: number): string {
  const n = Math.min(9, Math.max(1, digits));
  const micros = `lpad(CAST(((${us}) % 1000000 + 1000000) % 1000000 AS VARCHAR), 6, '0')`;
  return n <= 6 ? `substr(${micros}, 1, ${n})` : `(${micros} || '${'0'.repeat(n - 6)}')`;
}

/**
 * SQL for strftime(epoch, format): a VARCHAR, null when the epoch is null, not finite, or outside
 * years 0001–9999.
 */
export function strftimeSql(epoch: string, format: string): string {
  const us = `TRY_CAST(round(${epoch} * 1000000) AS BIGINT)`;
  const ts = `make_timestamp(${us})`;
  const parts: string[] = [];
  let native = '';
  const flush = (): void => {
    if (native !== '') parts.push(`strftime(${ts}, ${quoteString(native)})`);
    native = '';
  };
  for (const piece of pieces(format)) {
    if ('text' in piece) {
      native += piece.text.replace(/%/g, '%%');
      continue;
    }
    if (NATIVE.has(piece.code) && piece.width === undefined && piece.colons === 0) {
      native += `%${piece.code}`;
      continue;
    }
    const custom = customCode(piece, ts, us, epoch);
    if (custom === undefined) {
      native += `%${piece.width ?? ''}${':'.repeat(piece.colons)}${piece.code}`.replace(/%/g, '%%');
      continue;
    }
    if (typeof custom === 'string' && custom.startsWith("'")) {
      // A constant: keep it inside the native format.
      native += custom.slice(1, -1).replace(/''/g, "'").replace(/%/g, '%%');
      continue;
    }
    flush();
    parts.push(custom);
  }
  flush();
  const body = parts.length === 0 ? "''" : parts.length === 1 ? (parts[0] as string) : `concat(${parts.join(', ')})`;
  return `(CASE WHEN isfinite(${epoch}) AND ${epoch} BETWEEN ${MIN_EPOCH} AND ${MAX_EPOCH} THEN ${body} END)`;
}

/** A code DuckDB does not render as Splunk does: SQL, or a quoted constant. */
function customCode(piece: Code, ts: string, us: string, epoch: string): string | undefined {
  switch (piece.code) {
    case 'e':
      return `lpad(strftime(${ts}, '%-d'), 2, ' ')`;
    case 'k':
      return `lpad(strftime(${ts}, '%-H'), 2, ' ')`;
    case 'l':
      return `lpad(strftime(${ts}, '%-I'), 2, ' ')`;
    case 'C':
      return `lpad(CAST(year(${ts}) // 100 AS VARCHAR), 2, '0')`;
    case 'g':
      return `lpad(CAST(isoyear(${ts}) % 100 AS VARCHAR), 2, '0')`;
    case 's':
      return `CAST(TRY_CAST(floor(${epoch}) AS BIGINT) AS VARCHAR)`;
    case 'N':
      return subseconds(us, piece.width ?? 9);
    case 'Q':
      return subseconds(us, piece.width ?? 3);
    case 'z':
      return piece.colons === 0 ? "'+0000'" : piece.colons === 1 ? "'+00:00'" : piece.colons === 2 ? "'+00:00:00'" : "'+00'";
    case 'Z':
      return "'UTC'";
    case 'Ez':
      return "'+0'";
    case 'n':
      return "'\n'";
    case 't':
      return "'\t'";
    default:
      return undefined;
  }
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const MONTH_NAMES = '(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)';
const DAY_NAMES = '(?:mon(?:day)?|tue(?:s(?:day)?)?|wed(?:nesday)?|thu(?:rs(?:day)?)?|fri(?:day)?|sat(?:urday)?|sun(?:day)?)';

/** The parts a strptime format can set. */
type Part = 'Y' | 'y' | 'C' | 'm' | 'b' | 'd' | 'j' | 'H' | 'I' | 'p' | 'M' | 'S' | 'frac' | 's' | 'z' | 'Z' | 'skip';

/** What each code matches when parsing, and which part it sets. */
function parseCode(piece: Code): { re: string; part: Part } | undefined {
  switch (piece.code) {
    case 'Y':
      return { re: '([+-]?\\d{1,4})', part: 'Y' };
    case 'y':
      return { re: '(\\d{1,2})', part: 'y' };
    case 'C':
      return { re: '(\\d{1,2})', part: 'C' };
    case 'm':
      return { re: '(\\d{1,2})', part: 'm' };
    case 'b':
    case 'B':
    case 'h':
      return { re: `(${MONTH_NAMES})`, part: 'b' };
    case 'd':
    case 'e':
      return { re: '\\s*(\\d{1,2})', part: 'd' };
    case 'j':
      return { re: '(\\d{1,3})', part: 'j' };
    case 'H':
    case 'k':
      return { re: '\\s*(\\d{1,2})', part: 'H' };
    case 'I':
    case 'l':
      return { re: '\\s*(\\d{1,2})', part: 'I' };
    case 'p':
      return { re: '([ap]\\.?m\\.?)', part: 'p' };
    case 'M':
      return { re: '(\\d{1,2})', part: 'M' };
    case 'S':
      return { re: '(\\d{1,2})', part: 'S' };
    case 'N':
    case 'Q':
      return { re: piece.width === undefined ? '(\\d{1,9})' : `(\\d{${Math.min(9, Math.max(1, piece.width))}})`, part: 'frac' };
    case 'f':
      return { re: '(\\d{1,6})', part: 'frac' };
    case 's':
      return { re: '(-?\\d+(?:\\.\\d+)?)', part: 's' };
    case 'z':
      return { re: '(z|[+-]\\d{2}(?::?\\d{2}(?::?\\d{2})?)?)', part: 'z' };
    case 'Z':
      return { re: '([a-z]{1,5}|[+-]\\d{2}:?\\d{2})', part: 'Z' };
    case 'Ez':
      return { re: '([+-]?\\d{1,4})', part: 'skip' };
    case 'a':
    case 'A':
      return { re: `${DAY_NAMES}`, part: 'skip' };
    case 'U':
    case 'W':
    case 'V':
    case 'G':
    case 'g':
    case 'u':
    case 'w':
      return { re: '\\d{1,4}', part: 'skip' };
    case 'n':
    case 't':
      return { re: '\\s+', part: 'skip' };
    default:
      return undefined;
  }
}

function regexEscape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * SQL for strptime(text, format): epoch seconds (DOUBLE), or null when the text does not match the
 * whole format or names an impossible date. Parts the format leaves out default to 1970-01-01
 * 00:00:00 UTC; `%z`/`%Z` offsets (`+0100`, `-05:00`, `UTC`, `Z`) are applied; `%s` gives the epoch.
 */
export function strptimeSql(text: string, format: string): string {
  let re = '';
  const groups: Part[] = [];
  for (const piece of pieces(format)) {
    if ('text' in piece) {
      // A space in the format matches any run of white space, as in C's strptime.
      re += piece.text.split(/(\s+)/).map((t) => (/^\s+$/.test(t) ? '\\s+' : regexEscape(t))).join('');
      continue;
    }
    const parsed = parseCode(piece);
    if (parsed === undefined) {
      re += regexEscape(`%${piece.width ?? ''}${':'.repeat(piece.colons)}${piece.code}`);
      continue;
    }
    re += parsed.re;
    if (parsed.re.includes('(') && parsed.part !== 'skip') groups.push(parsed.part);
    else if (parsed.re.includes('(')) groups.push('skip');
  }
  const pattern = quoteString(`(?i)^\\s*${re}\\s*$`);
  const input = `trim(${text})`;
  if (groups.length === 0) return `(CASE WHEN regexp_full_match(${input}, ${pattern}) THEN 0.0 END)`;
  const names = groups.map((_g, i) => `'g${i}'`).join(', ');
  const m = `regexp_extract(${input}, ${pattern}, [${names}])`;
  const get = (part: Part): string | undefined => {
    const i = groups.lastIndexOf(part);
    return i < 0 ? undefined : `nullif(${m}.g${i}, '')`;
  };
  const int = (part: Part): string | undefined => {
    const g = get(part);
    return g === undefined ? undefined : `TRY_CAST(${g} AS BIGINT)`;
  };
  const matched = `regexp_full_match(${input}, ${pattern})`;
  const epochPart = get('s');
  const zone = offsetSql(get('z'), get('Z'));
  if (epochPart !== undefined) return `(CASE WHEN ${matched} THEN TRY_CAST(${epochPart} AS DOUBLE) - ${zone} END)`;
  let year = int('Y') ?? '1970';
  const yy = int('y');
  if (int('Y') === undefined && yy !== undefined) {
    const century = int('C');
    year = century === undefined ? `(CASE WHEN ${yy} < 69 THEN 2000 + ${yy} ELSE 1900 + ${yy} END)` : `(${century} * 100 + ${yy})`;
  }
  const monthName = get('b');
  const month = int('m') ?? (monthName === undefined ? '1' : `list_position([${MONTHS.map((x) => `'${x}'`).join(', ')}], lower(substr(${monthName}, 1, 3)))`);
  const day = int('d') ?? '1';
  const hour12 = int('I');
  const pm = get('p');
  const hour = int('H') ?? (hour12 === undefined ? '0' : `(${hour12} % 12 + CASE WHEN ${pm ?? 'NULL'} IS NOT NULL AND lower(substr(${pm ?? "''"}, 1, 1)) = 'p' THEN 12 ELSE 0 END)`);
  const minute = int('M') ?? '0';
  const second = int('S') ?? '0';
  const fracText = get('frac');
  const frac = fracText === undefined ? '0.0' : `(TRY_CAST(${fracText} AS DOUBLE) / pow(10, length(${fracText})))`;
  const doy = int('j');
  const date = doy === undefined
    ? `try(make_timestamp(${year}, ${month}, ${day}, ${hour}, ${minute}, ${second}))`
    : `try(make_timestamp(${year}, 1, 1, ${hour}, ${minute}, ${second}) + to_days(CAST(${doy} - 1 AS INTEGER)))`;
  const valid = [
    `${month} BETWEEN 1 AND 12`,
    `${day} BETWEEN 1 AND 31`,
    `${hour} BETWEEN 0 AND 23`,
    `${minute} BETWEEN 0 AND 59`,
    `${second} BETWEEN 0 AND 60`,
    ...(hour12 === undefined ? [] : [`${hour12} BETWEEN 1 AND 12`]),
    ...(doy === undefined ? [] : [`${doy} BETWEEN 1 AND 366`]),
    `day(${date}) = ${doy === undefined ? day : `day(${date})`}`,
  ];
  return `(CASE WHEN ${matched} AND ${valid.join(' AND ')} THEN epoch(${date}) + ${frac} - ${zone} END)`;
}

/** Seconds east of UTC from a `%z` or `%Z` capture (0 for UTC, GMT, Z or an unknown name). */
function offsetSql(z: string | undefined, zone: string | undefined): string {
  const text = z ?? zone;
  if (text === undefined) return '0';
  const digits = `regexp_replace(${text}, '[^0-9]', '', 'g')`;
  const hours = `TRY_CAST(substr(${digits}, 1, 2) AS BIGINT)`;
  const minutes = `coalesce(TRY_CAST(nullif(substr(${digits}, 3, 2), '') AS BIGINT), 0)`;
  return `coalesce(CASE WHEN ${text} SIMILAR TO '[+-].*' THEN (CASE WHEN starts_with(${text}, '-') THEN -1 ELSE 1 END) * (${hours} * 3600 + ${minutes} * 60) END, 0)`;
}
