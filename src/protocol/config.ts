import { Type, type Static } from 'typebox';
import { section } from '../config/index.js';

/** Limits applied to Device Defender reports; the ingress reads them from its config section. */
export const protocolLimitsSchema = section(
  {
    max_report_bytes: Type.Integer({ minimum: 1, default: 131_072, description: 'largest accepted report payload (IoT Core MQTT payload limit: 128 KiB)' }),
    max_list_entries: Type.Integer({ minimum: 1, default: 1000, description: 'most entries in any list of a report (ports, connections, custom-metric lists) and most custom metrics per report' }),
    max_thing_name_bytes: Type.Integer({ minimum: 1, maximum: 128, default: 128, description: 'longest thing name in a report topic, in UTF-8 bytes' }),
    min_report_interval_secs: Type.Number({ minimum: 0, default: 300, description: 'shortest time between two reports of one thing on its schedule, in seconds (fractions allowed, for tests and demos); 0 disables throttling' }),
    report_interval_tolerance: Type.Number({ minimum: 0, maximum: 1, default: 0.1, description: 'how early a report may come, as a fraction of min_report_interval_secs, before it is throttled (network and scheduling jitter)' }),
  },
  'Device Defender report limits',
);

export type ProtocolLimitsConfig = Static<typeof protocolLimitsSchema>;

export interface ProtocolLimits {
  readonly maxReportBytes: number;
  readonly maxListEntries: number;
  readonly maxThingNameBytes: number;
  readonly minReportIntervalSecs: number;
  /** Fraction of the minimum interval a report may come early (jitter) before it is throttled. */
  readonly reportIntervalTolerance: number;
}

export const defaultProtocolLimits: ProtocolLimits = Object.freeze({
  maxReportBytes: 131_072,
  maxListEntries: 1000,
  maxThingNameBytes: 128,
  minReportIntervalSecs: 300,
  reportIntervalTolerance: 0.1,
});

export function protocolLimits(config: Partial<ProtocolLimitsConfig> = {}): ProtocolLimits {
  return Object.freeze({
    maxReportBytes: config.max_report_bytes ?? defaultProtocolLimits.maxReportBytes,
    maxListEntries: config.max_list_entries ?? defaultProtocolLimits.maxListEntries,
    maxThingNameBytes: config.max_thing_name_bytes ?? defaultProtocolLimits.maxThingNameBytes,
    minReportIntervalSecs: config.min_report_interval_secs ?? defaultProtocolLimits.minReportIntervalSecs,
    reportIntervalTolerance: config.report_interval_tolerance ?? defaultProtocolLimits.reportIntervalTolerance,
  });
}
