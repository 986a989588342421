import { Type, type Static } from 'typebox';
import { section } from '../config/index.js';

/** Limits applied to Device Defender reports; the ingress reads them from its config section. */
export const protocolLimitsSchema = section(
  {
    max_report_bytes: Type.Integer({ minimum: 1, default: 131_072, description: 'largest accepted report payload (IoT Core MQTT payload limit: 128 KiB)' }),
    max_list_entries: Type.Integer({ minimum: 1, default: 1000, description: 'most entries in any list of a report (ports, connections, custom-metric lists) and most custom metrics per report' }),
    max_thing_name_bytes: Type.Integer({ minimum: 1, maximum: 128, default: 128, description: 'longest thing name in a report topic, in UTF-8 bytes' }),
    min_report_interval_secs: Type.Integer({ minimum: 0, default: 300, description: 'shortest time between two accepted reports of one thing; 0 disables throttling' }),
  },
  'Device Defender report limits',
);

export type ProtocolLimitsConfig = Static<typeof protocolLimitsSchema>;

export interface ProtocolLimits {
  readonly maxReportBytes: number;
  readonly maxListEntries: number;
  readonly maxThingNameBytes: number;
  readonly minReportIntervalSecs: number;
}

export const defaultProtocolLimits: ProtocolLimits = Object.freeze({
  maxReportBytes: 131_072,
  maxListEntries: 1000,
  maxThingNameBytes: 128,
  minReportIntervalSecs: 300,
});

export function protocolLimits(config: Partial<ProtocolLimitsConfig> = {}): ProtocolLimits {
  return Object.freeze({
    maxReportBytes: config.max_report_bytes ?? defaultProtocolLimits.maxReportBytes,
    maxListEntries: config.max_list_entries ?? defaultProtocolLimits.maxListEntries,
    maxThingNameBytes: config.max_thing_name_bytes ?? defaultProtocolLimits.maxThingNameBytes,
    minReportIntervalSecs: config.min_report_interval_secs ?? defaultProtocolLimits.minReportIntervalSecs,
  });
}
