/** Keys every JSON line carries that the human line shows in its own columns (or not at all). */
const SHOWN_ELSEWHERE = new Set(['level', 'time', 'pid', 'hostname', 'msg', 'event', 'component']);

const LEVELS: Readonly<Record<number, { readonly name: string; readonly colour: string }>> = {
  10: { name: 'TRACE', colour: '90' },
  20: { name: 'DEBUG', colour: '90' },
  30: { name: 'INFO ', colour: '32' },
  40: { name: 'WARN ', colour: '33' },
  50: { name: 'ERROR', colour: '31' },
  60: { name: 'FATAL', colour: '31;1' },
};

/**
 * One JSON log line as one human line: `12:00:01.123 INFO  api     server started  url=http://…`.
 * Nested values are written as JSON, an error as its message; the line never spans lines. A line
 * that is not JSON is passed through.
 */
export function humanLine(json: string, colour: boolean): string {
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json.endsWith('\n') ? json : `${json}\n`;
  }
  const paint = (code: string, text: string): string => (colour ? `\u001b[${code}m${text}\u001b[0m` : text);
  const level = LEVELS[Number(record['level'])] ?? { name: String(record['level']).padEnd(5), colour: '0' };
  const time = typeof record['time'] === 'number' ? clockTime(record['time']) : '--:--:--.---';
  const component = typeof record['component'] === 'string' ? record['component'] : '';
  const message = typeof record['msg'] === 'string' ? record['msg'] : String(record['event'] ?? '');
  const fields = Object.entries(record)
    .filter(([key, value]) => !SHOWN_ELSEWHERE.has(key) && value !== undefined)
    .map(([key, value]) => `${paint('2', `${key}=`)}${fieldText(value)}`);
  const head = `${paint('2', time)} ${paint(level.colour, level.name)} ${paint('36', component.padEnd(8))} ${message}`;
  return `${fields.length === 0 ? head : `${head}  ${fields.join(' ')}`}\n`;
}

function clockTime(ms: number): string {
  const d = new Date(ms);
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}.${String(d.getMilliseconds()).padStart(3, '0')}`;
}

function fieldText(value: unknown): string {
  if (typeof value === 'object' && value !== null && 'message' in value && ('stack' in value || 'type' in value)) return quote(String((value as { message: unknown }).message));
  const text = typeof value === 'string' ? value : JSON.stringify(value) ?? String(value);
  return quote(text);
}

/** Quotes values with spaces, quotes or line breaks (escaped), so one event stays one line. */
function quote(text: string): string {
  return /[\s"=]/.test(text) || text === '' ? JSON.stringify(text) : text;
}
