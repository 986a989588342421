/**
 * Cloud-side metrics the broker computes (device-defender.md §2.2). Counts are per event (value 1,
 * or the byte size for `aws:message-byte-size`); the consumer (detect) sums them over its windows.
 */
export type CloudCountMetric =
  | 'aws:num-authorization-failures'
  | 'aws:num-connection-attempts'
  | 'aws:message-byte-size'
  | 'aws:num-messages-sent'
  | 'aws:num-messages-received'
  | 'aws:num-disconnects'
  | 'aws:disconnect-duration';

export type CloudMetricName = CloudCountMetric | 'aws:source-ip-address';

interface CloudDatapointBase {
  /** The thing bound to the connection, else the MQTT client id (unregistered things). */
  readonly thingName: string;
  /** True when `thingName` is a registered thing attached to the connection's certificate. */
  readonly registered: boolean;
  /** Epoch milliseconds. */
  readonly timestamp: number;
}

/**
 * One cloud-side datapoint. `topic` is set on message metrics (and on authorization failures of a
 * publish, subscribe or delivery) so `TOPIC_FILTER` dimensions can filter; for a denied subscribe
 * it is the topic filter. `aws:disconnect-duration` is in seconds, emitted at reconnect (detect
 * itself produces it each window while a thing stays offline).
 */
export type CloudDatapoint =
  | (CloudDatapointBase & { readonly metric: CloudCountMetric; readonly value: number; readonly topic?: string | undefined })
  | (CloudDatapointBase & { readonly metric: 'aws:source-ip-address'; readonly value: string });

/**
 * One accepted Device Defender report. `R` is the protocol's normalized `MetricReport` (the model
 * layer cannot name it; engines use `DatapointSink<MetricReport>`).
 */
export interface DeviceDatapoint<R = unknown> {
  /** The thing named in the report topic. */
  readonly thingName: string;
  /** Epoch milliseconds when the broker accepted the report. */
  readonly timestamp: number;
  readonly reportId: number;
  readonly report: R;
  /** The client that published it (a device may report for another thing). */
  readonly clientId: string;
}

/**
 * Where the ingress hands datapoints (detect consumes them). Calls are synchronous and must not
 * block: a sink queues or aggregates and returns. `device` may return a promise that resolves once
 * what the report feeds onward (its exported metrics) is durable, so a process killed after it
 * loses nothing; the broker answers `/accepted` only then, and `/rejected` if it rejects.
 */
export interface DatapointSink<R = unknown> {
  device(datapoint: DeviceDatapoint<R>): void | Promise<void>;
  cloud(datapoint: CloudDatapoint): void;
}

/** One journaled report's exported metrics: what detect will publish at its next export. */
export interface JournaledExport {
  readonly seq: number;
  /** `[profileName, exportItem]` pairs, as JSON. */
  readonly entry: string;
}

/**
 * Detect's export journal (docs/detect.md, "Export durability"): the exported metrics of each
 * accepted report are stored before the report is answered, and forgotten once the export that
 * carried them settled (its topic rules' actions done), so a kill -9 between the two loses nothing:
 * the next start exports what is left.
 */
export interface ExportJournal {
  /** Stores one report's entry; resolves with its sequence number once durable (rejects if it could not be stored). */
  append(entry: string): Promise<number>;
  /** The newest sequence number handed out (appends in flight included). */
  readonly lastSeq: number;
  /** Entries a previous run left, oldest first. */
  leftover(): readonly JournaledExport[];
  /** Forgets entries up to `seq` (after appends queued before it committed). */
  release(seq: number): void;
  close(): void;
}

/**
 * One value a detect owner added to a statistical behavior's fleet population (cluster mode: the
 * other owners add it to theirs, so percentiles rank the whole fleet).
 */
export interface FleetValue {
  readonly profile: string;
  /** The behavior name. */
  readonly behavior: string;
  /** `name:operator` of the behavior's dimension, '' without one. */
  readonly dimension: string;
  readonly thing: string;
  readonly value: number;
  readonly time: number;
}

/**
 * The detect engine as cluster routing drives it: datapoints of the things this node owns, the
 * hand-over of things when their partition moves, fleet values from the other owners.
 */
export interface PartitionedDetect<R = unknown> extends DatapointSink<R> {
  /** Things that just became this node's: their state is read again from the shared store. */
  adopt(owned: (thingName: string) => boolean): Promise<void>;
  /** Things that are no longer this node's: their alarm counters are saved, then their state dropped (nothing is invalidated). */
  release(lost: (thingName: string) => boolean): Promise<void>;
  /** Fleet values the other owners added. */
  fleetIn(values: readonly FleetValue[]): void;
}
