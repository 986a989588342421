/**
 * detect: Device Defender Detect. Security profiles and their targets, custom metrics and
 * dimensions, validation of behaviors, the evaluation engine (device-side datapoints from accepted
 * reports, cloud-side counters in windows, static and statistical thresholds, the alarm state
 * machine), violations and their events with alerts to a notify topic, retained metric values,
 * metrics export to MQTT, detect mitigation tasks, and ML Detect (`ml/`: the streaming detector, its
 * fleet models and training, the labelled evaluation corpus with NAB's windowed score, baselines, backtest). Meets the registry, the broker and notify
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
export { evaluateCorpus, ML_METRICS, CONFIDENCE_LEVELS, type MlCorpus, type MlIncident, type EvaluationResult } from './ml/evaluation/scenario-evaluation.js';
export { generateLabelledCorpus, FAMILIES, KINDS, type LabelledCorpus, type LabelledSeries, type LabelledCorpusOptions } from './ml/evaluation/labelled-corpus.js';
export { evaluateLabelled, type LabelledEvaluation, type DetectorEvaluation, type ThresholdResult } from './ml/evaluation/evaluate-labelled.js';
export { NAB_PROFILES, NAB_PROFILE_NAMES, addNabScore, normalised, scaledSigmoid, probationOf, emptyRaw, type NabProfile, type NabProfileName, type NabRaw, type ScoredSeries } from './ml/evaluation/nab-score.js';
export { DETECTORS, detectorKind, EnsembleFleet, levelScore, LEVEL_ALARMS_PER_DAY, HYSTERESIS_SCORE, type DetectorKind, type FleetDetector, type SeriesScorer } from './ml/detectors.js';
export { StreamDetector, GENERIC_PRIOR, type DetectorPrior } from './ml/detector/stream-detector.js';
export { trainFleetModel, priorOf, type FleetModel, type DeviceBaseline, type TrainingSeries } from './ml/detector/fleet-model.js';
export { MlDetect, type MlJudge, type MlDetectOptions } from './ml/trainer.js';
export { mlConfigSchema, DEFAULT_ML_CONFIG, type MlConfig } from './ml/config.js';
export { backtestSeries, backtestFiles, parseSeriesCsv, parseDuration, type BacktestOptions, type BacktestResult, type BacktestFileResult, type SeriesPoint } from './ml/backtest.js';
