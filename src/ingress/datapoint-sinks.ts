import type { CloudDatapoint, DatapointSink, DeviceDatapoint } from '../model/index.js';
import type { Telemetry } from '../telemetry/index.js';

/** Counts datapoints (telemetry `datapoints_recorded`) and keeps nothing: the sink until detect consumes them. */
export function countingDatapointSink(telemetry: Telemetry): DatapointSink {
  return {
    device: () => telemetry.count('datapoints_recorded', { side: 'device' }),
    cloud: () => telemetry.count('datapoints_recorded', { side: 'cloud' }),
  };
}

/** Keeps every datapoint in memory, for tests and the benchmark. */
export interface RecordingDatapointSink<R = unknown> extends DatapointSink<R> {
  readonly devices: DeviceDatapoint<R>[];
  readonly clouds: CloudDatapoint[];
  /** Cloud datapoints of one metric (and thing, when given). */
  cloudOf(metric: CloudDatapoint['metric'], thingName?: string): CloudDatapoint[];
}

export function recordingDatapointSink<R = unknown>(): RecordingDatapointSink<R> {
  const devices: DeviceDatapoint<R>[] = [];
  const clouds: CloudDatapoint[] = [];
  return {
    devices,
    clouds,
    device: (datapoint) => void devices.push(datapoint),
    cloud: (datapoint) => void clouds.push(datapoint),
    cloudOf: (metric, thingName) => clouds.filter((d) => d.metric === metric && (thingName === undefined || d.thingName === thingName)),
  };
}

/** Hands every datapoint to each sink (app: the detect engine and the counter); a report is durable once every sink says so. */
export function fanOutDatapointSink<R>(...sinks: readonly DatapointSink<R>[]): DatapointSink<R> {
  return {
    device(datapoint) {
      let durable: Array<Promise<void>> | undefined;
      for (const sink of sinks) {
        const result = sink.device(datapoint);
        if (result instanceof Promise) (durable ??= []).push(result);
      }
      return durable === undefined ? undefined : Promise.all(durable).then(() => undefined);
    },
    cloud: (datapoint) => sinks.forEach((s) => s.cloud(datapoint)),
  };
}
