import { VigilError } from '../../../core/index.js';
import type { Aggregation, Span } from '../ast.js';
import { addWindowAggregates, partitionKeys } from '../aggregate-window.js';
import { spanOf } from '../lexer.js';
import { parseAggregations, parseFieldList } from '../parser.js';
import { quoteIdent, setColumns, type Relation } from '../relation.js';
import { parseSpan } from '../time-modifiers.js';
import { command } from './command.js';
import { booleanOption, integerOption } from './option-values.js';

interface StreamstatsArgs {
  readonly aggs: Aggregation[];
  readonly by: string[];
  readonly current: boolean;
  /** Rows per window; 0 = every row so far. */
  readonly window: number;
  readonly global: boolean;
  readonly timeWindowSeconds: number | undefined;
  readonly resetOnChange: boolean;
  readonly span: Span;
}

const OPTIONS = ['current', 'window', 'global', 'time_window', 'reset_on_change', 'allnum'];
const UNSUPPORTED = ['reset_before', 'reset_after'];

/** The row position column streamstats orders its windows by (the current order, numbered). */
const POSITION = '__pos';

/**
 * `streamstats [current=t] [window=N] [global=t] [time_window=<span>] [reset_on_change=f] <aggs> [BY …]`:
 * running aggregates in the current row order, as window aggregates. `window=N` covers the last N
 * rows (per BY group, or the last N rows of the stream with global=t); `current=f` leaves the row
 * itself out (the N rows before it); `time_window` covers rows less than the span apart (the rows
 * must be in time order); `reset_on_change` starts over whenever the BY values change.
 */
export const streamstats = command<StreamstatsArgs>({
  name: 'streamstats',
  summary: 'running aggregates: streamstats [window=N] [current=f] count, avg(x) BY f',
  mode: 'search',
  parse(reader) {
    const start = reader.peek();
    const raw = { ...reader.options([...OPTIONS, ...UNSUPPORTED]) };
    const stray = reader.peek();
    if (stray !== undefined && stray.type === 'word' && reader.isType('op', 1, '=')) {
      throw reader.error('spl.invalid_argument', `unknown streamstats option '${stray.value}'`, spanOf(stray), `options: ${OPTIONS.join(', ')}`);
    }
    const aggs = parseAggregations(reader, ['by']);
    if (aggs.length === 0) throw reader.error('spl.missing_argument', 'streamstats needs an aggregation', reader.endSpan(), 'e.g. streamstats count by host');
    let by: string[] = [];
    if (reader.isWord('by')) {
      reader.next();
      by = parseFieldList(reader).map((t) => t.value);
      if (by.length === 0) throw reader.error('spl.missing_argument', 'streamstats BY needs a field', reader.endSpan(), 'e.g. streamstats count by host');
    }
    for (const key of UNSUPPORTED) {
      const token = raw[key];
      if (token !== undefined) throw reader.error('spl.unsupported', `streamstats ${key}= is not supported`, spanOf(token), 'use reset_on_change=t, or split the search');
    }
    const timeWindow = raw['time_window'];
    let timeWindowSeconds: number | undefined;
    if (timeWindow !== undefined) {
      try {
        const span = parseSpan(timeWindow.value);
        if (span.unit === 'mon' || span.unit === 'q' || span.unit === 'y') throw new Error('calendar unit');
        timeWindowSeconds = span.seconds;
      } catch {
        throw reader.error('spl.invalid_argument', `time_window= takes a span such as 5m or 1h, not '${timeWindow.value}'`, spanOf(timeWindow), 'units: s, m, h, d, w');
      }
    }
    const window = raw['window'] === undefined ? 0 : integerOption(reader, 'window', raw['window']);
    if (timeWindowSeconds !== undefined && window > 0) {
      throw reader.error('spl.invalid_argument', 'streamstats takes window= or time_window=, not both', spanOf(raw['window'] as NonNullable<(typeof raw)['window']>));
    }
    return {
      aggs,
      by,
      current: booleanOption(reader, 'current', raw['current'], true),
      window,
      global: booleanOption(reader, 'global', raw['global'], true),
      timeWindowSeconds,
      resetOnChange: booleanOption(reader, 'reset_on_change', raw['reset_on_change'], false),
      span: start === undefined ? reader.endSpan() : spanOf(start),
    };
  },
  plan(args, rel) {
    rel.materialize([...args.aggs.map((a) => a.field), ...args.by]);
    const order = rel.order.length > 0 ? `ORDER BY ${rel.order.join(', ')}` : '';
    const position = quoteIdent(POSITION);
    setColumns(rel, [{ name: POSITION, sql: `row_number() OVER (${order})`, kind: 'num' }]);
    const { keys, present } = partitionKeys(rel, args.by);
    const partition = [...keys];
    if (args.resetOnChange && keys.length > 0) partition.push(segment(rel, keys, position));
    let frame: string;
    if (args.timeWindowSeconds !== undefined) {
      frame = `${timeOrder(rel, args.span)} RANGE BETWEEN ${args.timeWindowSeconds - 1e-6} PRECEDING AND CURRENT ROW${args.current ? '' : ' EXCLUDE CURRENT ROW'}`;
    } else {
      const until = args.current ? 'CURRENT ROW' : '1 PRECEDING';
      const from = args.window === 0 ? 'UNBOUNDED PRECEDING' : `${args.current ? args.window - 1 : args.window} PRECEDING`;
      // global=t with BY: the window is the last N rows of the whole stream, so count positions, not group rows.
      const unit = args.window > 0 && args.global && keys.length > 0 ? 'RANGE' : 'ROWS';
      frame = `ORDER BY ${position} ${unit} BETWEEN ${from} AND ${until}`;
    }
    const over = ` OVER (${partition.length > 0 ? `PARTITION BY ${partition.join(', ')} ` : ''}${frame})`;
    addWindowAggregates(rel, args.aggs, over, present);
  },
});

/** reset_on_change: a running number that grows each time the BY values differ from the previous row's. */
function segment(rel: Relation, keys: readonly string[], position: string): string {
  const tuple = `[${keys.map((k) => `CAST(${k} AS VARCHAR)`).join(', ')}]`;
  rel.push((src) => `SELECT *, CASE WHEN ${tuple} IS DISTINCT FROM lag(${tuple}) OVER (ORDER BY ${position}) THEN 1 ELSE 0 END AS "__chg" FROM ${src}`);
  rel.push((src) => `SELECT * REPLACE (sum("__chg") OVER (ORDER BY ${position} ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS "__chg") FROM ${src}`);
  rel.columns.set('__chg', 'num');
  return '"__chg"';
}

/** time_window needs rows in time order (either direction); the frame runs back along the stream. */
function timeOrder(rel: Relation, span: Span): string {
  const first = rel.order[0] ?? '';
  const match = /^"_time"( DESC)?( NULLS LAST)?$/.exec(first);
  if (match === null) {
    throw new VigilError('spl.invalid_argument', 'streamstats time_window= needs the rows in time order', { span, hint: 'sort by _time first, e.g. | sort 0 _time | streamstats time_window=5m count' });
  }
  return `ORDER BY "_time"${match[1] ?? ''}`;
}
