/** Firehose's transformation contract (spec B.6): the input event of one invocation. */
export interface TransformEvent {
  readonly invocationId: string;
  readonly deliveryStreamArn: string;
  readonly region: string;
  readonly records: ReadonlyArray<{ readonly recordId: string; readonly approximateArrivalTimestamp: number; readonly data: string }>;
}

export type TransformResult = 'Ok' | 'Dropped' | 'ProcessingFailed';

/** One output record. `errorCode`/`errorMessage` are a Vigil extension: the reason written to processing-failed/. */
export interface TransformOutputRecord {
  readonly recordId: string;
  readonly result: TransformResult;
  readonly data: string;
  readonly errorCode?: string;
  readonly errorMessage?: string;
}

/** A running transform: one invocation per buffered batch. A thrown error or rejection is an invocation failure. */
export interface Transform {
  /** Shown as `lambdaArn` in processing-failed records. */
  readonly functionName: string;
  invoke(event: TransformEvent): Promise<unknown>;
  close(): Promise<void>;
}

export interface TransformContext {
  readonly timeoutMs: number;
  readonly memoryMb: number;
}

/** One row of the transform table. */
export interface TransformKind {
  readonly type: string;
  readonly description: string;
  create(parameters: Readonly<Record<string, string>>, context: TransformContext): Transform;
}
