import type { Result } from '../../core/index.js';
import type { MqttPublisher, Notifier, StreamPutter } from '../../model/index.js';
import type { SqlValue } from '../sql/ast.js';
import type { RuleOutput } from '../sql/evaluate.js';
import type { SqlContext } from '../sql/functions.js';

/** The ports actions deliver through (wired by app). */
export interface ActionPorts {
  readonly putter: StreamPutter;
  readonly publisher: MqttPublisher;
  readonly notifier: Notifier;
}

/** One invocation: the rule's output plus what substitution templates evaluate against. */
export interface ActionInput {
  readonly output: RuleOutput;
  readonly scope: SqlValue;
  readonly context: SqlContext;
}

/** A compiled action ready to run on every rule hit. */
export interface CompiledAction {
  /** AWS error-action name (`FirehoseAction`, `RepublishAction`, `SnsAction`). */
  readonly failedAction: string;
  /** What the action writes to (stream name, topic, topic ARN), for error-action payloads. */
  resource(input: ActionInput): string;
  run(input: ActionInput, ports: ActionPorts): Promise<Result<void>>;
}

/** One action type: validates and compiles its AWS-shaped parameters. */
export interface RuleActionType {
  compile(params: Readonly<Record<string, unknown>>): Result<CompiledAction>;
}

const encoder = new TextEncoder();

/** The bytes an action sends: JSON text of the output, or the raw payload passed through. */
export function outputBytes(output: RuleOutput): Uint8Array {
  // `source` first: a pass-through output (rules-engine.ts) knows its kind only once it is parsed.
  if ('source' in output && output.source !== undefined) return output.source;
  if (output.kind === 'bytes') return output.bytes;
  return encoder.encode(JSON.stringify(output.value ?? null));
}
