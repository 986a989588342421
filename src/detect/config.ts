import { Type, type Static } from 'typebox';
import { section } from '../config/index.js';

export const detectConfigSchema = section(
  {
    export_interval_secs: Type.Integer({ minimum: 1, maximum: 86_400, default: 60, description: 'How often each profile\'s exported metrics are published to its metricsExportConfig.mqttTopic.' }),
    max_export_payload_bytes: Type.Integer({ minimum: 1024, maximum: 131_072, default: 131_072, description: 'Largest export message; a batch is split into several messages to stay under it (IoT Core: 128 KiB).' }),
    invalidate_after_secs: Type.Integer({ minimum: 60, maximum: 31_536_000, default: 172_800, description: 'An active violation of a thing that sent no datapoint for this long becomes alarm-invalidated (AWS: 2 days).' }),
    history_days: Type.Integer({ minimum: 1, maximum: 3650, default: 14, description: 'How long violation events, ended violations and retained metric values are kept (AWS: 14 days).' }),
    tick_interval_secs: Type.Integer({ minimum: 1, maximum: 3600, default: 10, description: 'How often cloud-side counter windows are closed, silent things checked for invalidation and alarm counters flushed to the store.' }),
  },
  'Device Defender Detect: metrics export cadence, violation invalidation and history.',
);

export type DetectConfig = Static<typeof detectConfigSchema>;
