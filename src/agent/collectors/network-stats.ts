import type { NetworkStats } from '../../protocol/index.js';
import type { InterfaceCounters } from '../proc-net.js';
import type { Collector } from './collector.js';

const FIELDS = ['bytesIn', 'bytesOut', 'packetsIn', 'packetsOut'] as const;
const LOOPBACK = 'lo';

/**
 * Sums per-interface deltas since `previous` over interfaces present both times (loopback excluded).
 * Undefined when there is no previous sample, or when any counter went backwards (reboot, counter
 * wrap, interface re-created): that interval has no trustworthy delta, and a spike would be worse.
 */
export function networkDelta(previous: readonly InterfaceCounters[] | undefined, current: readonly InterfaceCounters[]): NetworkStats | undefined {
  if (previous === undefined) return undefined;
  const before = new Map(previous.map((c) => [c.name, c]));
  const sum = { bytesIn: 0, bytesOut: 0, packetsIn: 0, packetsOut: 0 };
  for (const now of current) {
    if (now.name === LOOPBACK) continue;
    const then = before.get(now.name);
    if (then === undefined) continue;
    for (const field of FIELDS) {
      const delta = now[field] - then[field];
      if (delta < 0) return undefined;
      sum[field] += delta;
    }
  }
  return sum;
}

/** `network_stats`: deltas since the previous report; omitted from the first report after start. */
export const networkStats: Collector = {
  name: 'network_stats',
  collect(snapshot, memory) {
    if (snapshot.interfaces === undefined) return {};
    const previous = memory.get('interfaces') as readonly InterfaceCounters[] | undefined;
    memory.set('interfaces', snapshot.interfaces);
    const delta = networkDelta(previous, snapshot.interfaces);
    return delta === undefined ? {} : { networkStats: delta };
  },
};
