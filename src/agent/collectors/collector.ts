import type { DeviceMetrics } from '../../protocol/index.js';
import type { InterfaceLookup } from '../interfaces.js';
import type { InterfaceCounters, SocketEntry } from '../proc-net.js';

/** What the device looked like at one instant: read once per report, shared by every collector. */
export interface Snapshot {
  readonly tcp: readonly SocketEntry[];
  readonly udp: readonly SocketEntry[];
  /** Undefined when `/proc/net/dev` could not be read. */
  readonly interfaces: readonly InterfaceCounters[] | undefined;
  readonly interfaceOf: InterfaceLookup;
  /** Longest list a report may carry; `total` keeps the true count. */
  readonly maxListEntries: number;
}

/** A device-side metric group. `memory` is the collector's own state, kept between reports. */
export interface Collector {
  readonly name: string;
  collect(snapshot: Snapshot, memory: Map<string, unknown>): DeviceMetrics;
}
