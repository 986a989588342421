import type { Behavior, CustomMetricType, MetricToRetain, MetricValue } from '../model/index.js';
import { IOT_NAME } from '../protocol/index.js';
import { AWS_METRICS, DURATIONS, STATISTICS, customMetricSpec, operatorsFor, type MetricSpec, type ValueKind } from './metrics.js';

const CIDR_PATTERN = /^[a-fA-F0-9:./]{2,43}$/;
export const MAX_BEHAVIORS = 100;
export const MAX_VALUE_ELEMENTS = 1000;

/** What validation needs to know about the account: its custom metrics (by name → type) and dimensions. */
export interface ValidationContext {
  readonly customMetrics: ReadonlyMap<string, CustomMetricType>;
  readonly dimensions: ReadonlySet<string>;
}

/** The metric's spec, or undefined when it is neither an `aws:` metric nor a known custom metric. */
export function specOf(metric: string, context: Pick<ValidationContext, 'customMetrics'>): MetricSpec | undefined {
  if (metric.startsWith('aws:')) return AWS_METRICS[metric];
  const type = context.customMetrics.get(metric);
  return type === undefined ? undefined : customMetricSpec(type);
}

/** Every §3.1 rule over a list of behaviors; returns one message per problem (empty when valid). */
export function validateBehaviors(behaviors: readonly Behavior[], context: ValidationContext): string[] {
  const errors: string[] = [];
  if (behaviors.length > MAX_BEHAVIORS) errors.push(`a profile has at most ${MAX_BEHAVIORS} behaviors (got ${behaviors.length})`);
  const names = new Set<string>();
  let elements = 0;
  for (const [index, behavior] of behaviors.entries()) {
    const at = `behaviors[${index}]${typeof behavior?.name === 'string' ? ` (${behavior.name})` : ''}`;
    if (typeof behavior !== 'object' || behavior === null) {
      errors.push(`${at}: must be an object`);
      continue;
    }
    if (typeof behavior.name !== 'string' || !IOT_NAME.pattern.test(behavior.name)) errors.push(`${at}: name must be ${IOT_NAME.rule}`);
    else if (names.has(behavior.name)) errors.push(`${at}: behavior name ${behavior.name} is used twice in the profile`);
    else names.add(behavior.name);
    elements += valueElements(behavior.criteria?.value);
    errors.push(...validateBehavior(behavior, context).map((e) => `${at}: ${e}`));
  }
  if (elements > MAX_VALUE_ELEMENTS) errors.push(`a profile has at most ${MAX_VALUE_ELEMENTS} value elements (counts, ports, CIDRs, numbers, strings); got ${elements}`);
  return errors;
}

function validateBehavior(behavior: Behavior, context: ValidationContext): string[] {
  const errors: string[] = [];
  if (behavior.metric === undefined) return ['metric is required'];
  const spec = specOf(behavior.metric, context);
  if (spec === undefined) {
    return [behavior.metric.startsWith('aws:') ? `unknown metric ${behavior.metric}` : `custom metric ${behavior.metric} does not exist (create it with CreateCustomMetric)`];
  }
  errors.push(...validateDimension(behavior.metric, spec, behavior.metricDimension, context));
  const criteria = behavior.criteria;
  if (criteria === undefined) return [...errors, 'criteria is required'];
  for (const key of ['consecutiveDatapointsToAlarm', 'consecutiveDatapointsToClear'] as const) {
    const n = criteria[key];
    if (n !== undefined && (!Number.isInteger(n) || n < 1 || n > 10)) errors.push(`${key} must be an integer in 1..10`);
  }
  if (criteria.mlDetectionConfig !== undefined) {
    if (criteria.comparisonOperator !== undefined || criteria.value !== undefined || criteria.statisticalThreshold !== undefined || criteria.durationSeconds !== undefined) {
      errors.push('an ML behavior (mlDetectionConfig) takes no comparisonOperator, value, statisticalThreshold or durationSeconds');
    }
    if (!['LOW', 'MEDIUM', 'HIGH'].includes(criteria.mlDetectionConfig.confidenceLevel)) errors.push('mlDetectionConfig.confidenceLevel must be LOW, MEDIUM or HIGH');
    if (!spec.ml) errors.push(`metric ${behavior.metric} does not support ML Detect`);
    return errors;
  }
  const operator = criteria.comparisonOperator;
  if (operator === undefined) return [...errors, 'criteria.comparisonOperator is required (or mlDetectionConfig for an ML behavior)'];
  const allowed = operatorsFor(spec.kind, behavior.metric);
  if (!allowed.includes(operator)) errors.push(`operator ${operator} does not fit metric ${behavior.metric}; use one of ${allowed.join(', ')}`);
  const hasValue = criteria.value !== undefined;
  const hasThreshold = criteria.statisticalThreshold !== undefined;
  if (hasValue === hasThreshold) errors.push('criteria needs exactly one of value and statisticalThreshold');
  if (hasValue) errors.push(...validateValue(criteria.value as MetricValue, spec.kind));
  const isList = spec.aggregation === 'list' || spec.kind === 'ports' || spec.kind === 'cidrs';
  if (criteria.durationSeconds !== undefined) {
    if (isList) errors.push(`durationSeconds is not allowed with the list metric ${behavior.metric}`);
    else if (!DURATIONS.includes(criteria.durationSeconds)) errors.push(`durationSeconds must be one of ${DURATIONS.join(', ')}`);
  }
  if (hasThreshold) {
    const statistic = criteria.statisticalThreshold?.statistic;
    if (!spec.statistical) errors.push(`statisticalThreshold is not available for metric ${behavior.metric}`);
    if (statistic === undefined || !STATISTICS.includes(statistic)) errors.push(`statisticalThreshold.statistic must be one of ${STATISTICS.join(', ')}`);
    if (spec.statistical && (spec.aggregation === 'delta' || spec.aggregation === 'counter' || spec.aggregation === 'per-message') && criteria.durationSeconds === undefined) {
      errors.push(`statisticalThreshold on ${behavior.metric} needs durationSeconds (the window whose fleet values are ranked)`);
    }
  }
  return errors;
}

function validateDimension(metric: string, spec: MetricSpec, dimension: Behavior['metricDimension'], context: ValidationContext): string[] {
  if (dimension === undefined) return [];
  const errors: string[] = [];
  if (!spec.dimension) errors.push(`metric ${metric} cannot use a dimension`);
  if (typeof dimension.dimensionName !== 'string' || !context.dimensions.has(dimension.dimensionName)) errors.push(`dimension ${String(dimension.dimensionName)} does not exist`);
  if (dimension.operator !== undefined && dimension.operator !== 'IN' && dimension.operator !== 'NOT_IN') errors.push('metricDimension.operator must be IN or NOT_IN');
  return errors;
}

function validateValue(value: MetricValue, kind: ValueKind): string[] {
  if (typeof value !== 'object' || value === null) return ['value must be an object'];
  const set = Object.keys(value).filter((k) => (value as Record<string, unknown>)[k] !== undefined);
  if (set.length !== 1 || set[0] !== kind) return [`value must carry exactly "${kind}" for this metric (got ${set.join(', ') || 'nothing'})`];
  switch (kind) {
    case 'count':
      return Number.isInteger(value.count) && (value.count as number) >= 0 ? [] : ['value.count must be an integer >= 0'];
    case 'number':
      return typeof value.number === 'number' && Number.isFinite(value.number) ? [] : ['value.number must be a number'];
    case 'ports':
      return Array.isArray(value.ports) && value.ports.every((p) => Number.isInteger(p) && p >= 0 && p <= 65535) ? [] : ['value.ports must be integers in 0..65535'];
    case 'cidrs':
      return Array.isArray(value.cidrs) && value.cidrs.every((c) => typeof c === 'string' && CIDR_PATTERN.test(c) && parseCidrOk(c)) ? [] : ['value.cidrs must be IPv4/IPv6 addresses or CIDR blocks'];
    case 'numbers':
      return Array.isArray(value.numbers) && value.numbers.every((n) => typeof n === 'number' && Number.isFinite(n)) ? [] : ['value.numbers must be numbers'];
    case 'strings':
      return Array.isArray(value.strings) && value.strings.every((s) => typeof s === 'string') ? [] : ['value.strings must be strings'];
  }
}

function parseCidrOk(text: string): boolean {
  const [address, bits, extra] = text.split('/');
  if (extra !== undefined || address === undefined) return false;
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(address);
  const max = v4 !== null ? 32 : address.includes(':') ? 128 : -1;
  if (max < 0) return false;
  if (v4 !== null && v4.slice(1).some((o) => Number(o) > 255)) return false;
  return bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= max);
}

function valueElements(value: MetricValue | undefined): number {
  if (value === undefined || typeof value !== 'object' || value === null) return 0;
  return (value.count !== undefined ? 1 : 0) + (value.number !== undefined ? 1 : 0) + (value.cidrs?.length ?? 0) + (value.ports?.length ?? 0) + (value.numbers?.length ?? 0) + (value.strings?.length ?? 0);
}

/** Retained metrics (v1 names and v2 entries) must exist and fit their dimension. */
export function validateRetained(v1: readonly string[], v2: readonly MetricToRetain[], context: ValidationContext): string[] {
  const errors: string[] = [];
  for (const metric of v1) if (specOf(metric, context) === undefined) errors.push(`additionalMetricsToRetain: unknown metric ${metric}`);
  for (const [index, entry] of v2.entries()) {
    const spec = typeof entry?.metric === 'string' ? specOf(entry.metric, context) : undefined;
    if (spec === undefined) errors.push(`additionalMetricsToRetainV2[${index}]: unknown metric ${String(entry?.metric)}`);
    else errors.push(...validateDimension(entry.metric, spec, entry.metricDimension, context).map((e) => `additionalMetricsToRetainV2[${index}]: ${e}`));
  }
  return errors;
}
