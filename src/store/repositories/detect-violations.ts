import { newId } from '../../core/index.js';
import type { AlarmRecord, Behavior, BehaviorCriteriaType, MetricValue, VerificationState, Violation, ViolationEvent, ViolationStore } from '../../model/index.js';
import { fromJson, toJson, toNumber, type RegistryDb } from '../dialect.js';
import { afterKeyset, decodeKeyset, encodeKeyset, keysetPage, type KeysetFormat } from '../page-cursor.js';

type Row<T> = { [K in keyof T]: T[K] extends number | null ? number | string | null : T[K] };

/** ListActiveViolations hands `<start_time>|<violation_id>` to clients as the nextToken. */
const CURSOR: KeysetFormat = { separator: '|', code: 'violation.invalid_request' };

/** Violations, their events and the alarm counters (both dialects). Pages are newest first; cursors are `time|id`. */
export function detectViolationRepository({ db }: RegistryDb): ViolationStore {
  return {
    async record(violation, event) {
      await db.transaction().execute(async (trx) => {
        const values = {
          thing_name: violation.thingName,
          profile_name: violation.profileName,
          behavior: toJson(violation.behavior),
          criteria_type: violation.criteriaType,
          suppressed: violation.suppressed ? 1 : 0,
          start_time: violation.startTime,
          last_value: violation.lastValue === undefined ? null : toJson(violation.lastValue),
          last_time: violation.lastTime,
          verification_state: violation.verificationState ?? null,
          verification_description: violation.verificationDescription ?? null,
          end_time: violation.endTime ?? null,
        };
        // The verification state belongs to PutVerificationStateOnViolation: an update keeps it.
        const { verification_state: _state, verification_description: _description, ...changed } = values;
        await trx
          .insertInto('detect_violations')
          .values({ violation_id: violation.violationId, ...values })
          .onConflict((oc) => oc.column('violation_id').doUpdateSet(changed))
          .execute();
        if (event !== undefined) {
          await trx
            .insertInto('detect_violation_events')
            .values({
              event_id: `${String(event.time).padStart(15, '0')}${newId()}`,
              violation_id: event.violationId,
              thing_name: event.thingName,
              profile_name: event.profileName,
              behavior: toJson(event.behavior),
              criteria_type: event.criteriaType,
              suppressed: event.suppressed ? 1 : 0,
              event_type: event.eventType,
              metric_value: event.metricValue === undefined ? null : toJson(event.metricValue),
              event_time: event.time,
            })
            .execute();
        }
      });
    },
    async getViolation(violationId) {
      const row = await db.selectFrom('detect_violations').selectAll().where('violation_id', '=', violationId).executeTakeFirst();
      return row === undefined ? undefined : toViolation(row);
    },
    async listActive(query) {
      let q = db.selectFrom('detect_violations').selectAll().where('end_time', 'is', null);
      if (query.thingName !== undefined) q = q.where('thing_name', '=', query.thingName);
      if (query.profileName !== undefined) q = q.where('profile_name', '=', query.profileName);
      if (query.criteriaType !== undefined) q = q.where('criteria_type', '=', query.criteriaType);
      if (query.suppressed !== undefined) q = q.where('suppressed', '=', query.suppressed ? 1 : 0);
      if (query.verificationState === 'UNKNOWN') q = q.where((eb) => eb.or([eb('verification_state', 'is', null), eb('verification_state', '=', 'UNKNOWN')]));
      else if (query.verificationState !== undefined) q = q.where('verification_state', '=', query.verificationState);
      const after = decodeKeyset(CURSOR, query.cursor);
      if (after !== undefined) q = q.where((eb) => afterKeyset(eb, ['start_time', 'violation_id'], after, 'desc'));
      const rows = await q.orderBy('start_time', 'desc').orderBy('violation_id', 'desc').limit(query.limit + 1).execute();
      return keysetPage(rows.map(toViolation), query.limit, (v) => encodeKeyset(CURSOR, v.startTime, v.violationId));
    },
    async listEvents(query) {
      let q = db
        .selectFrom('detect_violation_events as e')
        .leftJoin('detect_violations as v', 'v.violation_id', 'e.violation_id')
        .selectAll('e')
        .select(['v.verification_state', 'v.verification_description'])
        .where('e.event_time', '>=', query.from)
        .where('e.event_time', '<', query.to);
      if (query.thingName !== undefined) q = q.where('e.thing_name', '=', query.thingName);
      if (query.profileName !== undefined) q = q.where('e.profile_name', '=', query.profileName);
      if (query.criteriaType !== undefined) q = q.where('e.criteria_type', '=', query.criteriaType);
      if (query.suppressed !== undefined) q = q.where('e.suppressed', '=', query.suppressed ? 1 : 0);
      if (query.verificationState === 'UNKNOWN') q = q.where((eb) => eb.or([eb('v.verification_state', 'is', null), eb('v.verification_state', '=', 'UNKNOWN')]));
      else if (query.verificationState !== undefined) q = q.where('v.verification_state', '=', query.verificationState);
      if (query.cursor !== undefined) q = q.where('e.event_id', '<', query.cursor);
      const rows = await q.orderBy('e.event_id', 'desc').limit(query.limit + 1).execute();
      const items = rows.slice(0, query.limit).map((r) => ({
        ...toEvent(r),
        verificationState: (r.verification_state ?? undefined) as VerificationState | undefined,
        verificationDescription: r.verification_description ?? undefined,
      }));
      const lastRow = rows[query.limit - 1];
      return { items, next: rows.length > query.limit && lastRow !== undefined ? lastRow.event_id : undefined };
    },
    async setVerification(violationId, state, description) {
      const result = await db.updateTable('detect_violations').set({ verification_state: state, verification_description: description ?? null }).where('violation_id', '=', violationId).executeTakeFirst();
      return toNumber(result.numUpdatedRows) > 0;
    },
    async expire(before) {
      const events = await db.deleteFrom('detect_violation_events').where('event_time', '<', before).executeTakeFirst();
      const violations = await db.deleteFrom('detect_violations').where('end_time', 'is not', null).where('end_time', '<', before).executeTakeFirst();
      return toNumber(events.numDeletedRows) + toNumber(violations.numDeletedRows);
    },
    async saveAlarms(records) {
      if (records.length === 0) return;
      await db.transaction().execute(async (trx) => {
        for (let i = 0; i < records.length; i += 100) {
          const chunk = records.slice(i, i + 100).map((r) => ({
            thing_name: r.thingName,
            profile_name: r.profileName,
            behavior_name: r.behaviorName,
            dimension: r.dimension,
            violating: r.violating,
            compliant: r.compliant,
            violation_id: r.violationId ?? null,
            last_datapoint_time: r.lastDatapointTime,
          }));
          await trx
            .insertInto('detect_alarms')
            .values(chunk)
            .onConflict((oc) =>
              oc.columns(['thing_name', 'profile_name', 'behavior_name', 'dimension']).doUpdateSet((eb) => ({
                violating: eb.ref('excluded.violating'),
                compliant: eb.ref('excluded.compliant'),
                violation_id: eb.ref('excluded.violation_id'),
                last_datapoint_time: eb.ref('excluded.last_datapoint_time'),
              })),
            )
            .execute();
        }
      });
    },
    async deleteAlarms(keys) {
      if (keys.length === 0) return;
      await db.transaction().execute(async (trx) => {
        for (const k of keys) {
          await trx.deleteFrom('detect_alarms').where('thing_name', '=', k.thingName).where('profile_name', '=', k.profileName).where('behavior_name', '=', k.behaviorName).where('dimension', '=', k.dimension).execute();
        }
      });
    },
    async loadAlarms() {
      const rows = await db.selectFrom('detect_alarms').selectAll().orderBy('thing_name').orderBy('profile_name').orderBy('behavior_name').orderBy('dimension').execute();
      return rows.map((r): AlarmRecord => ({
        thingName: r.thing_name,
        profileName: r.profile_name,
        behaviorName: r.behavior_name,
        dimension: r.dimension,
        violating: toNumber(r.violating),
        compliant: toNumber(r.compliant),
        violationId: r.violation_id ?? undefined,
        lastDatapointTime: toNumber(r.last_datapoint_time),
      }));
    },
  };
}

function toViolation(row: Row<{ violation_id: string; thing_name: string; profile_name: string; behavior: string; criteria_type: string; suppressed: number; start_time: number; last_value: string | null; last_time: number; verification_state: string | null; verification_description: string | null; end_time: number | null }>): Violation {
  return {
    violationId: row.violation_id,
    thingName: row.thing_name,
    profileName: row.profile_name,
    behavior: fromJson<Behavior>(row.behavior, { name: '' }),
    criteriaType: row.criteria_type as BehaviorCriteriaType,
    suppressed: toNumber(row.suppressed) !== 0,
    startTime: toNumber(row.start_time),
    lastValue: row.last_value === null ? undefined : fromJson<MetricValue>(row.last_value, {}),
    lastTime: toNumber(row.last_time),
    verificationState: (row.verification_state ?? undefined) as VerificationState | undefined,
    verificationDescription: row.verification_description ?? undefined,
    endTime: row.end_time === null ? undefined : toNumber(row.end_time),
  };
}

function toEvent(row: Row<{ violation_id: string; thing_name: string; profile_name: string; behavior: string; criteria_type: string; suppressed: number; event_type: string; metric_value: string | null; event_time: number }>): ViolationEvent {
  return {
    violationId: row.violation_id,
    thingName: row.thing_name,
    profileName: row.profile_name,
    behavior: fromJson<Behavior>(row.behavior, { name: '' }),
    criteriaType: row.criteria_type as BehaviorCriteriaType,
    suppressed: toNumber(row.suppressed) !== 0,
    eventType: row.event_type as ViolationEvent['eventType'],
    metricValue: row.metric_value === null ? undefined : fromJson<MetricValue>(row.metric_value, {}),
    time: toNumber(row.event_time),
  };
}
