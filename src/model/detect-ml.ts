/** Status of a behavior's ML model (GetBehaviorModelTrainingSummaries). */
export type ModelStatus = 'PENDING_BUILD' | 'ACTIVE' | 'EXPIRED';

/** The training state and latest model of one ML behavior (profile, behavior). Times epoch ms. */
export interface MlModelRecord {
  readonly profileName: string;
  readonly behaviorName: string;
  readonly metric: string;
  /** `name:operator` of the behavior's dimension, '' without one. */
  readonly dimension: string;
  readonly status: ModelStatus;
  readonly collectionStart: number;
  readonly lastRefresh: number | undefined;
  readonly lastAttempt: number | undefined;
  /** Datapoints in the trailing window at the last attempt, and their share of the minimum (0..100). */
  readonly datapoints: number;
  readonly percentage: number;
  /** The serialized model (JSON), present once a model was built. */
  readonly model: string | undefined;
}

export interface MlModelStore {
  list(profileName?: string): Promise<MlModelRecord[]>;
  get(profileName: string, behaviorName: string): Promise<MlModelRecord | undefined>;
  save(record: MlModelRecord): Promise<void>;
  delete(profileName: string, behaviorName: string): Promise<boolean>;
}

/** One thing's retained values of a metric, oldest first. */
export interface MlTrainingSeries {
  readonly times: number[];
  readonly values: number[];
}

/** Reads the retained datapoints a model is trained on (by thing). */
export interface MlTrainingSource {
  series(query: { readonly metric: string; readonly dimensionName: string | undefined; readonly dimensionOperator: string | undefined; readonly from: number; readonly to: number }): Promise<Map<string, MlTrainingSeries>>;
}

/** One injected incident: which device, which metrics, when (datapoint indexes, end exclusive). */
export interface MlIncident {
  readonly id: string;
  readonly type: string;
  readonly thingName: string;
  readonly metrics: readonly string[];
  readonly onset: number;
  readonly end: number;
  /** Datapoints after onset within which a detection counts (2, or a day for the slow ramp). */
  readonly window: number;
}

/** A labelled corpus: every device has a value per metric at `start + (i + 1) * period`. */
export interface MlCorpus {
  readonly start: number;
  readonly periodSecs: number;
  readonly points: number;
  /** Datapoints of the incident-free training part at the beginning. */
  readonly trainPoints: number;
  readonly devices: ReadonlyArray<{ readonly thingName: string; readonly model: string; readonly series: Readonly<Record<string, ArrayLike<number>>> }>;
  readonly incidents: readonly MlIncident[];
}
