import type { Behavior, BehaviorCriteriaType, Dimension, MetricDimension, SecurityProfile } from '../model/index.js';
import { compileCriterion, staticThreshold, type Criterion } from './criteria.js';
import { FleetPercentile, quantileOf } from './fleet-percentile.js';
import type { MetricSpec } from './metrics.js';
import { specOf, type ValidationContext } from './validation.js';

/** One metric a profile watches: a behavior (evaluated), a retained metric, or both roles merged. */
export interface Slot {
  readonly profileName: string;
  /** Alarm key part: the behavior name, or `retain:<metric>:<dimension>` for retained-only metrics. */
  readonly key: string;
  readonly metric: string;
  readonly spec: MetricSpec;
  readonly dimension: { readonly name: string; readonly operator: 'IN' | 'NOT_IN'; readonly filters: readonly string[] } | undefined;
  /** `name:operator`, or '' without a dimension (the alarm key's dimension part). */
  readonly dimensionKey: string;
  readonly durationMs: number | undefined;
  readonly behavior: Behavior | undefined;
  readonly criteriaType: BehaviorCriteriaType;
  readonly criterion: Criterion | undefined;
  readonly threshold: number;
  readonly fleet: FleetPercentile | undefined;
  readonly toAlarm: number;
  readonly toClear: number;
  readonly retain: boolean;
  readonly export: boolean;
}

export interface CompiledProfile {
  readonly profile: SecurityProfile;
  readonly slots: readonly Slot[];
  readonly deviceSlots: readonly Slot[];
  readonly cloudSlots: ReadonlyMap<string, readonly Slot[]>;
  /** Slots of ML behaviors (their silence is checked on the engine's tick). */
  readonly mlSlots: readonly Slot[];
  readonly alertTarget: string | undefined;
  readonly exportTopic: string | undefined;
  /** The longest `durationSeconds` of its network-stat delta behaviors: how long a thing's samples are needed (0: not kept). */
  readonly netWindowMs: number;
}

/** Placeholder criterion of ML slots: the engine asks the behavior's model instead. */
const ML_CRITERION: Criterion = () => true;

/** Default window of a cloud-side counter without `durationSeconds` [INFER, docs/detect.md]. */
export const DEFAULT_COUNTER_WINDOW_MS = 300_000;

export function criteriaTypeOf(behavior: Behavior): BehaviorCriteriaType {
  if (behavior.criteria?.mlDetectionConfig !== undefined) return 'MACHINE_LEARNING';
  if (behavior.criteria?.statisticalThreshold !== undefined) return 'STATISTICAL';
  return 'STATIC';
}

/**
 * Turns a profile into slots. `previous` lends its fleet percentiles to unchanged statistical
 * behaviors, so an update of another behavior does not reset them.
 */
export function compileProfile(profile: SecurityProfile, context: ValidationContext & { readonly dimensionValues: ReadonlyMap<string, Dimension> }, previous: CompiledProfile | undefined): CompiledProfile {
  const slots: Slot[] = [];
  const dimensionOf = (d: MetricDimension | undefined): Slot['dimension'] => {
    if (d === undefined) return undefined;
    return { name: d.dimensionName, operator: d.operator ?? 'IN', filters: context.dimensionValues.get(d.dimensionName)?.stringValues ?? [] };
  };
  for (const behavior of profile.behaviors) {
    if (behavior.metric === undefined) continue;
    const spec = specOf(behavior.metric, context);
    if (spec === undefined) continue;
    const criteriaType = criteriaTypeOf(behavior);
    const dimension = dimensionOf(behavior.metricDimension);
    const durationMs = behavior.criteria?.durationSeconds === undefined ? undefined : behavior.criteria.durationSeconds * 1000;
    const statistic = behavior.criteria?.statisticalThreshold?.statistic;
    const old = previous?.slots.find((s) => s.behavior !== undefined && JSON.stringify(s.behavior) === JSON.stringify(behavior));
    const fleet = criteriaType === 'STATISTICAL' && statistic !== undefined ? (old?.fleet ?? new FleetPercentile(quantileOf(statistic), durationMs ?? DEFAULT_COUNTER_WINDOW_MS)) : undefined;
    slots.push({
      profileName: profile.name,
      key: behavior.name,
      metric: behavior.metric,
      spec,
      dimension,
      dimensionKey: dimension === undefined ? '' : `${dimension.name}:${dimension.operator}`,
      durationMs,
      behavior,
      criteriaType,
      // ML behaviors are judged by their model (ThingEvaluator.evaluate in thing-evaluator.ts); without an ACTIVE model they never alarm (docs/ml.md).
      criterion: criteriaType === 'MACHINE_LEARNING' ? ML_CRITERION : compileCriterion(behavior, spec.kind),
      threshold: staticThreshold(behavior.criteria?.value),
      fleet,
      toAlarm: behavior.criteria?.consecutiveDatapointsToAlarm ?? 1,
      toClear: behavior.criteria?.consecutiveDatapointsToClear ?? 1,
      retain: true,
      export: behavior.exportMetric === true,
    });
  }
  const retained = [
    ...profile.additionalMetricsToRetain.map((metric) => ({ metric, metricDimension: undefined as MetricDimension | undefined, exportMetric: false })),
    ...profile.additionalMetricsToRetainV2.map((m) => ({ metric: m.metric, metricDimension: m.metricDimension, exportMetric: m.exportMetric === true })),
  ];
  for (const entry of retained) {
    const spec = specOf(entry.metric, context);
    if (spec === undefined) continue;
    const dimension = dimensionOf(entry.metricDimension);
    const dimensionKey = dimension === undefined ? '' : `${dimension.name}:${dimension.operator}`;
    const key = `retain:${entry.metric}:${dimensionKey}`;
    if (slots.some((s) => s.key === key)) continue;
    slots.push({ profileName: profile.name, key, metric: entry.metric, spec, dimension, dimensionKey, durationMs: undefined, behavior: undefined, criteriaType: 'STATIC', criterion: undefined, threshold: 0, fleet: undefined, toAlarm: 1, toClear: 1, retain: true, export: entry.exportMetric });
  }
  const cloudSlots = new Map<string, Slot[]>();
  for (const slot of slots) {
    if (slot.spec.source !== 'cloud') continue;
    const list = cloudSlots.get(slot.metric) ?? [];
    list.push(slot);
    cloudSlots.set(slot.metric, list);
  }
  return {
    profile,
    slots,
    deviceSlots: slots.filter((s) => s.spec.source !== 'cloud'),
    cloudSlots,
    mlSlots: slots.filter((s) => s.criteriaType === 'MACHINE_LEARNING'),
    alertTarget: profile.alertTargets['SNS']?.alertTargetArn,
    exportTopic: profile.metricsExportConfig?.mqttTopic,
    netWindowMs: Math.max(0, ...slots.map((s) => (s.spec.aggregation === 'delta' ? (s.durationMs ?? 0) : 0))),
  };
}
