import type { DuckDBAppender, DuckDBConnection } from '@duckdb/node-api';
import type { MetricDatum, MetricHistory, MetricValue } from '../../model/index.js';
import type { EventsDb } from '../duckdb.js';
import { decodeOffset, offsetPage } from '../page-cursor.js';

/** Rows appended between two yields to the event loop (a tick at 2,000 reports/s retains ~180,000). */
const CHUNK_ROWS = 4096;

/**
 * Retained metric values in DuckDB (`detect_metric_values`), for ListMetricValues. Writes go
 * through one appender on a connection of its own into a temporary staging table, a chunk at a
 * time with the event loop free in between; one `INSERT … SELECT` per `append` then commits them on
 * DuckDB's threads. Appending straight to the table flushed (and committed, with its WAL write) on
 * the event loop: at 2,000 reports/s a tick's values held it for about half a second (issue 24).
 */
export async function detectMetricHistory(events: EventsDb): Promise<MetricHistory & { close(): void }> {
  const writer: DuckDBConnection = await events.connect();
  await writer.run('create temp table detect_metric_staging as select * from detect_metric_values limit 0');
  let appender: DuckDBAppender | undefined = await writer.createAppender('detect_metric_staging', 'main', 'temp');
  let chain: Promise<void> = Promise.resolve();
  const serialize = <T>(work: () => Promise<T>): Promise<T> => {
    const next = chain.then(work);
    chain = next.then(() => undefined, () => undefined);
    return next;
  };
  const yieldToLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
  return {
    append(data) {
      return serialize(async () => {
        if (appender === undefined || data.length === 0) return;
        try {
          for (let start = 0; start < data.length; start += CHUNK_ROWS) {
            if (start > 0) await yieldToLoop();
            if (appender === undefined) return;
            const end = Math.min(data.length, start + CHUNK_ROWS);
            for (let i = start; i < end; i++) {
              const d = data[i] as MetricDatum;
              appender.appendVarchar(d.thingName);
              appender.appendVarchar(d.metric);
              appender.appendVarchar(d.dimensionName ?? '');
              appender.appendVarchar(d.dimensionName === undefined ? '' : (d.dimensionOperator ?? 'IN'));
              appender.appendBigInt(BigInt(Math.floor(d.time)));
              appender.appendVarchar(JSON.stringify(d.value));
              appender.endRow();
            }
            appender.flushSync();
          }
          await writer.run('begin transaction');
          await writer.run('insert into detect_metric_values select * from detect_metric_staging');
          await writer.run('delete from detect_metric_staging');
          await writer.run('commit');
        } catch (error) {
          await writer.run('rollback').catch(() => undefined);
          // An appender that failed mid-row is unusable: start a fresh one on an empty staging table.
          try {
            appender?.closeSync();
          } catch {
            // already broken
          }
          appender = undefined;
          await writer.run('delete from detect_metric_staging').catch(() => undefined);
          appender = await writer.createAppender('detect_metric_staging', 'main', 'temp');
          throw error;
        }
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
