import type { ComparisonOperator, CustomMetricType } from '../model/index.js';

/** What a metric's values look like: a number (`count` / `number`) or a list (`ports`, `cidrs`, `numbers`, `strings`). */
export type ValueKind = 'count' | 'number' | 'ports' | 'cidrs' | 'numbers' | 'strings';

export interface MetricSpec {
  readonly kind: ValueKind;
  readonly source: 'device' | 'cloud' | 'custom';
  /** Device-side deltas are summed over `durationSeconds`; cloud counters are bucketed into windows. */
  readonly aggregation: 'gauge' | 'delta' | 'counter' | 'per-message' | 'per-connect' | 'list' | 'duration';
  readonly statistical: boolean;
  readonly dimension: boolean;
  readonly ml: boolean;
}

export const NUMERIC_OPERATORS: readonly ComparisonOperator[] = ['less-than', 'less-than-equals', 'greater-than', 'greater-than-equals'];
export const DURATIONS: readonly number[] = [300, 600, 900, 1800, 3600];

const numeric = (source: 'device' | 'cloud', aggregation: MetricSpec['aggregation'], dimension = false): MetricSpec => ({ kind: 'count', source, aggregation, statistical: true, dimension, ml: true });

/** The `aws:` metrics of device-defender.md §2, one row each. */
export const AWS_METRICS: Readonly<Record<string, MetricSpec>> = {
  'aws:all-bytes-out': numeric('device', 'delta'),
  'aws:all-bytes-in': numeric('device', 'delta'),
  'aws:all-packets-out': numeric('device', 'delta'),
  'aws:all-packets-in': numeric('device', 'delta'),
  'aws:num-listening-tcp-ports': numeric('device', 'gauge'),
  'aws:num-listening-udp-ports': numeric('device', 'gauge'),
  'aws:num-established-tcp-connections': numeric('device', 'gauge'),
  'aws:listening-tcp-ports': { kind: 'ports', source: 'device', aggregation: 'list', statistical: false, dimension: false, ml: false },
  'aws:listening-udp-ports': { kind: 'ports', source: 'device', aggregation: 'list', statistical: false, dimension: false, ml: false },
  'aws:destination-ip-addresses': { kind: 'cidrs', source: 'device', aggregation: 'list', statistical: false, dimension: false, ml: false },
  'aws:message-byte-size': numeric('cloud', 'per-message', true),
  'aws:num-messages-sent': numeric('cloud', 'counter', true),
  'aws:num-messages-received': numeric('cloud', 'counter', true),
  'aws:num-authorization-failures': numeric('cloud', 'counter', true),
  'aws:source-ip-address': { kind: 'cidrs', source: 'cloud', aggregation: 'per-connect', statistical: false, dimension: true, ml: false },
  'aws:num-connection-attempts': numeric('cloud', 'counter'),
  'aws:num-disconnects': numeric('cloud', 'counter'),
  'aws:disconnect-duration': { kind: 'count', source: 'cloud', aggregation: 'duration', statistical: false, dimension: false, ml: false },
};

const CUSTOM_KIND: Readonly<Record<CustomMetricType, ValueKind>> = { number: 'number', 'number-list': 'numbers', 'string-list': 'strings', 'ip-address-list': 'cidrs' };

export function customMetricSpec(type: CustomMetricType): MetricSpec {
  const kind = CUSTOM_KIND[type];
  return { kind, source: 'custom', aggregation: kind === 'number' ? 'gauge' : 'list', statistical: kind === 'number', dimension: false, ml: kind === 'number' };
}

/** Operators allowed for each value kind (§2 and §1.3). */
export function operatorsFor(kind: ValueKind, metric: string): readonly ComparisonOperator[] {
  switch (kind) {
    case 'count':
      return metric === 'aws:disconnect-duration' ? ['less-than', 'less-than-equals'] : NUMERIC_OPERATORS;
    case 'number':
      return NUMERIC_OPERATORS;
    case 'ports':
      return ['in-port-set', 'not-in-port-set'];
    case 'cidrs':
      return ['in-cidr-set', 'not-in-cidr-set'];
    case 'numbers':
    case 'strings':
      return ['in-set', 'not-in-set'];
  }
}

export const STATISTICS: readonly string[] = ['p0', 'p0.1', 'p0.01', 'p1', 'p10', 'p50', 'p90', 'p99', 'p99.9', 'p99.99', 'p100'];
