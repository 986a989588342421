import { Type, type Static } from 'typebox';
import { section } from '../config/index.js';

export const streamConfigSchema = section(
  {
    outbox_max_bytes: Type.Integer({ minimum: 1024 * 1024, default: 1024 ** 3, description: 'Size cap of the durable outbox (<data_dir>/outbox.sqlite) over all streams; puts beyond it are refused with ServiceUnavailableException.' }),
    backup_dir: Type.String({ default: '', description: 'Backup "bucket" root: each stream writes under <backup_dir>/<stream>/ with Firehose\'s key layout. Empty = <data_dir>/stream-backup.' }),
    retry_initial_ms: Type.Integer({ minimum: 1, maximum: 60_000, default: 1000, description: 'First back-off delay between delivery attempts (doubles per attempt, full jitter).' }),
    retry_max_ms: Type.Integer({ minimum: 1, maximum: 300_000, default: 10_000, description: 'Largest back-off delay between delivery attempts.' }),
    transform_timeout_secs: Type.Integer({ minimum: 1, maximum: 300, default: 60, description: 'Time limit of one user JavaScript transform invocation (Lambda allows 5 min).' }),
    transform_memory_mb: Type.Integer({ minimum: 16, maximum: 4096, default: 256, description: 'Heap limit of the worker thread that runs user JavaScript transforms.' }),
    pause_after_failures: Type.Integer({ minimum: 1, maximum: 1_000_000, default: 10, description: 'Consecutive batches on which a stream\'s sink or pipeline throws (a bug, not a delivery error) before the stream pauses: records stay in the outbox, puts are still accepted, and `vigil stream update` or a restart resumes it.' }),
    metrics_interval_secs: Type.Integer({ minimum: 1, maximum: 3600, default: 5, description: 'How often the data-freshness and outbox gauges are refreshed.' }),
  },
  'Delivery streams (Firehose analog): durable outbox, retry back-off, backup, transforms. Streams themselves are created through the API or `vigil stream create`.',
);

export type StreamConfig = Static<typeof streamConfigSchema>;
