import { err, ok, type Result } from '../core/index.js';
import { defaultProtocolLimits, type ProtocolLimits } from './config.js';
import type { ReportFormat } from './metric-report.js';
import { ReportRejection } from './report-rejection.js';

/** `report` is the device's publish topic; `accepted` / `rejected` carry the broker's answer. */
export type DefenderTopicKind = 'report' | 'accepted' | 'rejected';

export interface DefenderTopic {
  readonly thingName: string;
  readonly format: ReportFormat;
  readonly kind: DefenderTopicKind;
}

/** `$aws/things/{thing}/defender/metrics/{json|cbor}[/accepted|/rejected]` (§1.1). */
export function defenderTopic(thingName: string, format: ReportFormat, kind: DefenderTopicKind = 'report'): string {
  const base = `$aws/things/${thingName}/defender/metrics/${format}`;
  return kind === 'report' ? base : `${base}/${kind}`;
}

const PREFIX = '$aws/things/';
const MIDDLE = '/defender/metrics/';

/** Reads a Device Defender topic; `undefined` for any other topic. The thing name is not checked here. */
export function parseDefenderTopic(topic: string): DefenderTopic | undefined {
  if (!topic.startsWith(PREFIX)) return undefined;
  const middle = topic.indexOf(MIDDLE, PREFIX.length);
  if (middle <= PREFIX.length) return undefined;
  const thingName = topic.slice(PREFIX.length, middle);
  if (thingName.includes('/')) return undefined;
  const [format, kind, ...rest] = topic.slice(middle + MIDDLE.length).split('/');
  if ((format !== 'json' && format !== 'cbor') || rest.length > 0) return undefined;
  if (kind === undefined) return { thingName, format, kind: 'report' };
  if (kind === 'accepted' || kind === 'rejected') return { thingName, format, kind };
  return undefined;
}

// §1.1: control characters (C0, DEL, C1) are not allowed; `/`, `+` and `#` would break the topic.
const FORBIDDEN = /[\u0000-\u001f\u007f-\u009f/+#]/u;

/** Thing-name rules of a report topic: 1..limit bytes of UTF-8, no control characters. */
export function checkThingName(thingName: string, limits: ProtocolLimits = defaultProtocolLimits): Result<string, ReportRejection> {
  const bytes = Buffer.byteLength(thingName, 'utf8');
  if (bytes === 0) return err(new ReportRejection('invalid_thing_name', 'thing name is empty', { path: 'thingName' }));
  if (bytes > limits.maxThingNameBytes) {
    return err(new ReportRejection('invalid_thing_name', `thing name is ${bytes} bytes of UTF-8, more than ${limits.maxThingNameBytes}`, { path: 'thingName' }));
  }
  if (FORBIDDEN.test(thingName) || !(thingName as unknown as { isWellFormed(): boolean }).isWellFormed()) {
    return err(new ReportRejection('invalid_thing_name', 'thing name contains a control character, "/", "+", "#" or a lone surrogate', { path: 'thingName' }));
  }
  return ok(thingName);
}
