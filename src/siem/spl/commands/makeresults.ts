import { numberLiteral } from '../eval-number.js';
import { command } from './command.js';
import { booleanOption, integerOption } from './option-values.js';

/**
 * `| makeresults [count=1] [annotate=f]`: generates `count` results, each with `_time` set to the
 * search's start; annotate=t adds the default fields (null, except splunk_server).
 */
export const makeresults = command<{ count: number; annotate: boolean }>({
  name: 'makeresults',
  summary: 'generate results: | makeresults [count=N] [annotate=t]',
  mode: 'search',
  parse(reader) {
    const options = reader.options(['count', 'annotate', 'splitby', 'server', 'server_group']);
    reader.rejectRest();
    const count = options['count'] === undefined ? 1 : integerOption(reader, 'count', options['count'], 1);
    if (count > 1_000_000) throw reader.error('spl.invalid_argument', 'makeresults makes at most 1,000,000 results', { offset: options['count']?.offset ?? 0, length: options['count']?.length ?? 1 });
    return { count, annotate: booleanOption(reader, 'annotate', options['annotate'], false) };
  },
  plan({ count, annotate }, rel, ctx) {
    const now = numberLiteral(Math.floor(ctx.nowMs / 1000));
    const extra = annotate ? `, CAST(NULL AS VARCHAR) AS "_raw", CAST(NULL AS VARCHAR) AS host, CAST(NULL AS VARCHAR) AS source, CAST(NULL AS VARCHAR) AS sourcetype, 'vigil' AS splunk_server` : '';
    rel.start(`SELECT ${now} AS "_time"${extra}, CAST(i AS DOUBLE) AS "__ord" FROM range(${count}) t(i)`, 'range');
    rel.columns = new Map([['_time', 'num'], ...(annotate ? (['_raw', 'host', 'source', 'sourcetype', 'splunk_server'] as const).map((c) => [c, 'str'] as const) : []), ['__ord', 'num']]);
    rel.eventMode = false;
    rel.order = ['"__ord"'];
    rel.orderColumns = new Set(['__ord']);
  },
});
