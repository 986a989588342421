import type { DuckDBAppender, DuckDBConnection } from '@duckdb/node-api';
import type { MetricDatum, MetricHistory, MetricValue } from '../../model/index.js';
import type { EventsDb } from '../duckdb.js';
import { decodeOffset, offsetPage } from '../page-cursor.js';

/**
 * Retained metric values in DuckDB (`detect_metric_values`), for ListMetricValues. Writes go
 * through one appender on a connection of its own; each `append` is one commit.
 */
export async function detectMetricHistory(events: EventsDb): Promise<MetricHistory & { close(): void }> {
  const writer: DuckDBConnection = await events.connect();
  let appender: DuckDBAppender | undefined = await writer.createAppender('detect_metric_values');
  let chain: Promise<void> = Promise.resolve();
  const serialize = <T>(work: () => Promise<T>): Promise<T> => {
    const next = chain.then(work);
    chain = next.then(() => undefined, () => undefined);
    return next;
  };
  return {
    append(data) {
      return serialize(async () => {
        if (appender === undefined || data.length === 0) return;
        for (const d of data) {
          appender.appendVarchar(d.thingName);
          appender.appendVarchar(d.metric);
          appender.appendVarchar(d.dimensionName ?? '');
          appender.appendVarchar(d.dimensionName === undefined ? '' : (d.dimensionOperator ?? 'IN'));
          appender.appendBigInt(BigInt(Math.floor(d.time)));
          appender.appendVarchar(JSON.stringify(d.value));
          appender.endRow();
        }
        appender.flushSync();
      });
    },
    query(query) {
      return serialize(async () => {
        const offset = decodeOffset('metric_values.invalid_request', query.cursor);
        const statement = await events.connection.prepare(
          'select thing_name, metric, dimension_name, dimension_operator, time_ms, value from detect_metric_values where thing_name = $1 and metric = $2 and dimension_name = $3 and dimension_operator = $4 and time_ms >= $5 and time_ms < $6 order by time_ms, value limit $7 offset $8',
        );
        statement.bindVarchar(1, query.thingName);
        statement.bindVarchar(2, query.metric);
        statement.bindVarchar(3, query.dimensionName ?? '');
        statement.bindVarchar(4, query.dimensionName === undefined ? '' : (query.dimensionOperator ?? 'IN'));
        statement.bindBigInt(5, BigInt(Math.floor(query.from)));
        statement.bindBigInt(6, BigInt(Math.floor(query.to)));
        statement.bindBigInt(7, BigInt(query.limit + 1));
        statement.bindBigInt(8, BigInt(offset));
        return offsetPage(rowsToData((await statement.runAndReadAll()).getRowObjects()), query.limit, offset);
      });
    },
    range(query) {
      return serialize(async () => {
        const offset = decodeOffset('metric_values.invalid_request', query.cursor);
        const statement = await events.connection.prepare('select thing_name, metric, dimension_name, dimension_operator, time_ms, value from detect_metric_values where time_ms >= $1 and time_ms < $2 order by time_ms, thing_name, metric limit $3 offset $4');
        statement.bindBigInt(1, BigInt(Math.floor(query.from)));
        statement.bindBigInt(2, BigInt(Math.floor(query.to)));
        statement.bindBigInt(3, BigInt(query.limit + 1));
        statement.bindBigInt(4, BigInt(offset));
        return offsetPage(rowsToData((await statement.runAndReadAll()).getRowObjects()), query.limit, offset);
      });
    },
    expire(before) {
      return serialize(async () => {
        const statement = await events.connection.prepare('delete from detect_metric_values where time_ms < $1');
        statement.bindBigInt(1, BigInt(Math.floor(before)));
        await statement.run();
      });
    },
    close() {
      appender?.closeSync();
      appender = undefined;
      writer.closeSync();
    },
  };
}

function rowsToData(rows: ReadonlyArray<Record<string, unknown>>): MetricDatum[] {
  return rows.map((r) => ({
    thingName: String(r['thing_name']),
    metric: String(r['metric']),
    dimensionName: r['dimension_name'] === '' ? undefined : String(r['dimension_name']),
    dimensionOperator: r['dimension_operator'] === '' ? undefined : (String(r['dimension_operator']) as 'IN' | 'NOT_IN'),
    time: Number(r['time_ms']),
    value: JSON.parse(String(r['value'])) as MetricValue,
  }));
}
