import { javascriptTransform } from './javascript.js';
import { splitDeviceDefenderTransform } from './split-device-defender.js';
import type { TransformKind } from './transform.js';

/** Every transform; adding one means adding a file and a row here. */
export const TRANSFORMS: readonly TransformKind[] = [splitDeviceDefenderTransform, javascriptTransform];

export function transformKind(type: string): TransformKind | undefined {
  return TRANSFORMS.find((t) => t.type === type);
}

export { splitDeviceDefender } from './split-device-defender.js';
export { TransformInvocationError } from './javascript.js';
export { runTransforms, type TransformOutcome } from './run-transforms.js';
export type { Transform, TransformKind, TransformContext } from './transform.js';
