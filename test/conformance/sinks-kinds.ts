import { sinkKind, type SinkKind } from '../../src/stream/index.js';

function kind(type: string): SinkKind {
  const found = sinkKind(type);
  if (found === undefined) throw new Error(`no sink ${type}`);
  return found;
}

export const splunkHecSink = kind('splunk-hec');
export const httpSink = kind('http');
export const fileSink = kind('file');
