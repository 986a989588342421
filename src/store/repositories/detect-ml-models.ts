import type { MetricValue, MlModelRecord, MlModelStore, MlTrainingSeries, MlTrainingSource, ModelStatus } from '../../model/index.js';
import { toNumber, type RegistryDb } from '../dialect.js';
import type { EventsDb } from '../duckdb.js';
import type { DetectMlModelsTable } from '../schema.js';

type Row = { [K in keyof DetectMlModelsTable]: DetectMlModelsTable[K] extends number | null ? number | string | bigint | null : DetectMlModelsTable[K] };

const fromRow = (r: Row): MlModelRecord => ({
  profileName: r.profile_name,
  behaviorName: r.behavior_name,
  metric: r.metric,
  dimension: r.dimension,
  status: r.status as ModelStatus,
  collectionStart: toNumber(r.collection_start as number),
  lastRefresh: r.last_refresh === null ? undefined : toNumber(r.last_refresh as number),
  lastAttempt: r.last_attempt === null ? undefined : toNumber(r.last_attempt as number),
  datapoints: toNumber(r.datapoints as number),
  percentage: toNumber(r.percentage as number),
  model: r.model ?? undefined,
});

/** ML Detect model records in the registry database (both dialects), ordered by profile then behavior. */
export function detectMlModelRepository({ db }: RegistryDb): MlModelStore {
  return {
    async list(profileName) {
      let q = db.selectFrom('detect_ml_models').selectAll();
      if (profileName !== undefined) q = q.where('profile_name', '=', profileName);
      const rows = await q.orderBy('profile_name').orderBy('behavior_name').execute();
      return rows.map((r) => fromRow(r as Row));
    },
    async get(profileName, behaviorName) {
      const row = await db.selectFrom('detect_ml_models').selectAll().where('profile_name', '=', profileName).where('behavior_name', '=', behaviorName).executeTakeFirst();
      return row === undefined ? undefined : fromRow(row as Row);
    },
    async save(r) {
      const values = { profile_name: r.profileName, behavior_name: r.behaviorName, metric: r.metric, dimension: r.dimension, status: r.status, collection_start: r.collectionStart, last_refresh: r.lastRefresh ?? null, last_attempt: r.lastAttempt ?? null, datapoints: r.datapoints, percentage: Math.round(r.percentage), model: r.model ?? null };
      const { profile_name: _p, behavior_name: _b, ...changed } = values;
      await db.insertInto('detect_ml_models').values(values).onConflict((oc) => oc.columns(['profile_name', 'behavior_name']).doUpdateSet(changed)).execute();
    },
    async delete(profileName, behaviorName) {
      const result = await db.deleteFrom('detect_ml_models').where('profile_name', '=', profileName).where('behavior_name', '=', behaviorName).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },
  };
}

/** Training data: the retained numeric values of a metric (DuckDB `detect_metric_values`), by thing. */
export function detectMlTrainingSource(events: EventsDb): MlTrainingSource {
  return {
    async series(query) {
      const statement = await events.connection.prepare(
        'select thing_name, time_ms, value from detect_metric_values where metric = $1 and dimension_name = $2 and dimension_operator = $3 and time_ms >= $4 and time_ms < $5 order by thing_name, time_ms',
      );
      statement.bindVarchar(1, query.metric);
      statement.bindVarchar(2, query.dimensionName ?? '');
      statement.bindVarchar(3, query.dimensionName === undefined ? '' : (query.dimensionOperator ?? 'IN'));
      statement.bindBigInt(4, BigInt(Math.floor(query.from)));
      statement.bindBigInt(5, BigInt(Math.floor(query.to)));
      const rows = (await statement.runAndReadAll()).getRows();
      const out = new Map<string, MlTrainingSeries>();
      for (const [thing, time, value] of rows) {
        const parsed = JSON.parse(String(value)) as MetricValue;
        const v = parsed.count ?? parsed.number;
        if (v === undefined) continue;
        let s = out.get(String(thing));
        if (s === undefined) out.set(String(thing), (s = { times: [], values: [] }));
        s.times.push(Number(time));
        s.values.push(v);
      }
      return out;
    },
  };
}
