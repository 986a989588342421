/**
 * detect: Device Defender Detect. Security profiles and their targets, custom metrics and
 * dimensions, validation of behaviors, the evaluation engine (device-side datapoints from accepted
 * reports, cloud-side counters in windows, static and statistical thresholds, the alarm state
 * machine), violations and their events with alerts to a notify topic, retained metric values,
 * metrics export to MQTT, and detect mitigation tasks. Meets the registry, the broker and notify
 * through model ports. Imports: core, model, config, telemetry, protocol (report types, ARNs, names).
 */
export { createDetect, type Detect, type DetectOptions } from './detect.js';
export { detectConfigSchema, type DetectConfig } from './config.js';
export { DetectEngine, type DetectEngineOptions } from './engine.js';
export { ViolationRecorder, alertMessage, type RecordedEvent } from './recorder.js';
export { profilesService, MAX_PROFILES_PER_TARGET, limitOf, type ProfilesService, type ProfileInput, type ProfileUpdate, type Paged } from './profiles.js';
export { violationsService, type ViolationsService, type ViolationFilter, type ListedEvent } from './violations.js';
export { mitigationService, type MitigationService, type StartTaskInput } from './mitigation.js';
export { validateBehaviors, type ValidationContext } from './validation.js';
export { FleetPercentile } from './fleet-percentile.js';
export { exportPayloads, type ExportItem } from './export.js';
export { AWS_METRICS } from './metrics.js';
export { trainModel, scoreDatapoint, isAnomalous, rawScore, tailProbability, LEVEL_TAIL_PROBABILITY, type MlModel, type MlSeries } from './ml/model.js';
export { evaluateCorpus, ML_METRICS, CONFIDENCE_LEVELS, type MlCorpus, type MlIncident, type EvaluationResult } from './ml/evaluate.js';
export { MlDetect, type MlJudge, type MlDetectOptions } from './ml/trainer.js';
export { mlConfigSchema, type MlConfig } from './ml/config.js';
export { backtest, parseSeriesCsv, type BacktestRow } from './ml/backtest.js';
