import { VigilError, err, ok, type Result } from '../../core/index.js';

/** Upload limits for one lookup file (docs/siem.md "Lookups, subsearches, tstats"). */
export interface LookupLimits {
  readonly maxBytes: number;
  readonly maxRows: number;
  readonly maxColumns: number;
}

export const LOOKUP_LIMITS: LookupLimits = { maxBytes: 16 * 1024 * 1024, maxRows: 250_000, maxColumns: 256 };

/** A parsed lookup: header names and rows in file order; empty cells are null. */
export interface LookupCsv {
  readonly columns: readonly string[];
  readonly rows: ReadonlyArray<ReadonlyArray<string | null>>;
}

const COLUMN_NAME_MAX = 128;
// C0 controls and DEL: DuckDB cannot name a column with them, and no search could type them.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

/** The name with control characters written as \uXXXX escapes, for an error message. */
function printable(name: string): string {
  // eslint-disable-next-line no-control-regex
  return name.replace(/[\u0000-\u001f\u007f]/g, (c) => `\\u${(c.codePointAt(0) as number).toString(16).padStart(4, '0')}`);
}

function invalid(message: string, hint?: string): Result<LookupCsv> {
  return err(new VigilError('lookup.invalid_csv', message, hint === undefined ? {} : { hint }));
}

/**
 * Parses a lookup CSV (RFC 4180: comma separated, `"` quoting with `""` escapes, quoted fields may
 * span lines; LF or CRLF line ends; a UTF-8 BOM is ignored). The first record is the header. Blank
 * lines are skipped. Every problem names its line.
 */
export function parseLookupCsv(text: string, limits: LookupLimits = LOOKUP_LIMITS): Result<LookupCsv> {
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > limits.maxBytes) return invalid(`the file is ${bytes} bytes; a lookup holds at most ${limits.maxBytes} bytes`, 'split it, or drop columns the searches do not use');
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const records: Array<{ line: number; fields: string[] }> = [];
  let i = 0;
  let line = 1;
  while (i < body.length) {
    const startLine = line;
    // A blank line (nothing before its line end) is skipped, not read as a row with one empty field.
    if (body[i] === '\n' || (body[i] === '\r' && body[i + 1] === '\n')) {
      i += body[i] === '\r' ? 2 : 1;
      line++;
      continue;
    }
    const fields: string[] = [];
    for (;;) {
      let value = '';
      if (body[i] === '"') {
        const quoteLine = line;
        i++;
        for (;;) {
          if (i >= body.length) return invalid(`line ${quoteLine}: a quoted field is not closed`, 'add the closing " (write a literal quote as "")');
          const c = body[i] as string;
          if (c === '"') {
            if (body[i + 1] === '"') {
              value += '"';
              i += 2;
              continue;
            }
            i++;
            break;
          }
          if (c === '\n') line++;
          value += c;
          i++;
        }
        const after = body[i];
        if (after !== undefined && after !== ',' && after !== '\n' && !(after === '\r' && body[i + 1] === '\n')) {
          return invalid(`line ${line}: unexpected '${after}' after a closing quote in field ${fields.length + 1}`, 'a quoted field must be followed by a comma or the end of the line');
        }
      } else {
        const from = i;
        while (i < body.length && body[i] !== ',' && body[i] !== '\n' && !(body[i] === '\r' && body[i + 1] === '\n')) {
          if (body[i] === '"') return invalid(`line ${line}: a " inside unquoted field ${fields.length + 1}`, 'quote the whole field and double the inner quote: "say ""hi"""');
          i++;
        }
        value = body.slice(from, i);
      }
      fields.push(value);
      if (body[i] === ',') {
        i++;
        continue;
      }
      if (body[i] === '\r') i++;
      if (body[i] === '\n') {
        i++;
        line++;
      }
      break;
    }
    records.push({ line: startLine, fields });
    if (records.length > limits.maxRows + 1) return invalid(`more than ${limits.maxRows} rows (line ${startLine})`, `a lookup holds at most ${limits.maxRows} rows`);
  }
  const header = records.shift();
  if (header === undefined) return invalid('the file is empty; the first line must be a header naming the columns', 'e.g. user,department');
  if (header.fields.length > limits.maxColumns) return invalid(`line ${header.line}: the header has ${header.fields.length} columns; a lookup holds at most ${limits.maxColumns}`);
  const seen = new Set<string>();
  for (const [index, raw] of header.fields.entries()) {
    const name = raw.trim();
    const where = `line ${header.line}, column ${index + 1}`;
    if (name === '') return invalid(`${where}: the header has an empty column name`, 'name every column in the first line');
    if (name.startsWith('__')) return invalid(`${where}: column name "${name}" starts with __, which is reserved`, 'rename the column');
    if (name.length > COLUMN_NAME_MAX) return invalid(`${where}: column name is longer than ${COLUMN_NAME_MAX} characters`);
    const control = CONTROL.exec(name);
    if (control !== null) {
      const code = `U+${(control[0].codePointAt(0) as number).toString(16).toUpperCase().padStart(4, '0')}`;
      return invalid(`${where}: column name "${printable(name)}" holds a control character (${code})`, 'column names are printable text; remove the byte (a NUL often means the file is UTF-16: save it as UTF-8)');
    }
    if (seen.has(name)) return invalid(`${where}: column "${name}" appears twice in the header`, 'column names must be unique');
    seen.add(name);
  }
  const columns = header.fields.map((n) => n.trim());
  const rows: Array<Array<string | null>> = [];
  for (const record of records) {
    if (record.fields.length !== columns.length) {
      return invalid(`line ${record.line}: ${record.fields.length} fields, but the header has ${columns.length} columns`, 'every row needs one field per header column (quote fields that contain commas)');
    }
    rows.push(record.fields.map((v) => (v === '' ? null : v)));
  }
  return ok({ columns, rows });
}
