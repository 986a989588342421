import type { TransformEvent } from '../../protocol/index.js';

/** A running transform: one invocation per buffered batch. A thrown error or rejection is an invocation failure. */
export interface Transform {
  /** Shown as `lambdaArn` in processing-failed records. */
  readonly functionName: string;
  invoke(event: TransformEvent): Promise<unknown>;
  /**
   * Built-in transforms: the same result as `invoke` on the records' bytes, without the Firehose
   * contract's base64 on the way in and out (four passes over every batch). Used when present.
   */
  transformBytes?(records: readonly ByteRecord[]): ByteResult[];
  close(): Promise<void>;
}

export interface ByteRecord {
  readonly id: string;
  readonly data: Uint8Array;
}

export type ByteResult =
  | { readonly result: 'Ok'; readonly data: Uint8Array }
  | { readonly result: 'Dropped' }
  | { readonly result: 'ProcessingFailed'; readonly errorCode: string; readonly errorMessage: string };

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
