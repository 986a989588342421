/**
 * Metrics of one device that move together, so that a change of one against the others is a change
 * of behavior (bytes per packet, bytes per connection): ML Detect scores the log ratio of a behavior's
 * metric to each of these when the same report carries them. One row per metric; adding one is adding a row.
 */
const RELATED: Readonly<Record<string, readonly string[]>> = {
  'aws:all-bytes-out': ['aws:all-packets-out', 'aws:num-established-tcp-connections'],
  'aws:all-packets-out': ['aws:all-bytes-out', 'aws:num-established-tcp-connections'],
  'aws:all-bytes-in': ['aws:all-packets-in', 'aws:num-established-tcp-connections'],
  'aws:all-packets-in': ['aws:all-bytes-in', 'aws:num-established-tcp-connections'],
  'aws:num-established-tcp-connections': ['aws:all-bytes-out', 'aws:all-bytes-in'],
};

export function relatedMetrics(metric: string): readonly string[] {
  return RELATED[metric] ?? [];
}
