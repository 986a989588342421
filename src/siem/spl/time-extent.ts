import { fact } from './facts.js';
import type { PlanContext, Relation } from './relation.js';

/**
 * The time range a default span is cut from (Splunk's bin, called by chart and timechart): the
 * search's own range when it has a start, else — a search over all time (no earliest, or
 * earliest=0) — the extent of the data at this point of the plan, so two hours of events over "all
 * time" bin by minutes, not months. With `binToData` (the console's choice) the extent of the data
 * is used inside any range. In a compile-only check the data is unknown: one day stands in.
 */
export function binningRange(rel: Relation, ctx: PlanContext, timeSql: string): { from: number; to: number } {
  const latest = (ctx.latestMs ?? ctx.nowMs) / 1000;
  if (ctx.binToData !== true && ctx.earliestMs !== undefined && ctx.earliestMs > 0) return { from: ctx.earliestMs / 1000, to: latest };
  const rows = fact(
    ctx.facts,
    `extent:${rel.current}:${timeSql}`,
    (db) => db.query(rel.render((current) => `SELECT min(${timeSql}) AS lo, max(${timeSql}) AS hi FROM ${current}`)),
    [{ lo: latest - 86400, hi: latest }] as Array<Record<string, unknown>>,
  );
  const lo = Number(rows[0]?.['lo']);
  const hi = Number(rows[0]?.['hi']);
  if (rows[0]?.['lo'] === null || rows[0]?.['lo'] === undefined || !Number.isFinite(lo) || !Number.isFinite(hi)) return { from: latest, to: latest };
  // The last event's own second counts: an extent of one instant is one second wide.
  return { from: lo, to: Math.max(hi, lo) + 1 };
}
