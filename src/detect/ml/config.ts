import { Type, type Static } from 'typebox';
import { section } from '../../config/index.js';

export const mlConfigSchema = section(
  {
    train_interval_secs: Type.Integer({ minimum: 60, maximum: 2_592_000, default: 86_400, description: 'How often an ACTIVE model is rebuilt on the trailing window (AWS: daily).' }),
    retry_interval_secs: Type.Integer({ minimum: 60, maximum: 2_592_000, default: 3600, description: 'How often a model still PENDING_BUILD checks whether the minimum data is there.' }),
    window_days: Type.Integer({ minimum: 1, maximum: 90, default: 14, description: 'Trailing window of retained datapoints a model is trained on (AWS: 14 days).' }),
    min_hours: Type.Number({ minimum: 0, maximum: 8760, default: 24, description: 'Minimum time span of the training data before a first model is built (AWS: 14 days).' }),
    min_datapoints: Type.Integer({ minimum: 1, maximum: 10_000_000, default: 200, description: 'Minimum datapoints of the fleet in the window before a first model is built (AWS: 25,000); with the fleet prior a device needs no minimum of its own.' }),
    expire_days: Type.Integer({ minimum: 1, maximum: 3650, default: 30, description: 'A model that could not be built or refreshed for this long becomes EXPIRED (AWS: 30 days).' }),
  },
  'ML Detect: training cadence, window and minimum data of the behaviors with mlDetectionConfig.',
);

export type MlConfig = Static<typeof mlConfigSchema>;

/** The defaults, for the offline tools (evaluation, backtest) run without a config file. */
export const DEFAULT_ML_CONFIG: MlConfig = { train_interval_secs: 86_400, retry_interval_secs: 3600, window_days: 14, min_hours: 24, min_datapoints: 200, expire_days: 30 };
