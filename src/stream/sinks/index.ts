import type { SinkKind } from './sink.js';
import { splunkHecSink } from './splunk-hec/index.js';
import { httpSink } from './http/index.js';
import { fileSink } from './file/index.js';

/** Every sink, one folder each; adding a sink means adding a folder and a row here. */
export const SINKS: readonly SinkKind[] = [splunkHecSink, httpSink, fileSink];

export function sinkKind(type: string): SinkKind | undefined {
  return SINKS.find((s) => s.type === type);
}

export type { SinkKind, Sink, SinkRecord, Delivery, Probe, SinkContext } from './sink.js';
