import type { TransformEvent } from '../../protocol/index.js';

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
