import { Type, type Static } from 'typebox';
import { VigilError, err, ok, type Result } from '../core/index.js';
import { validateConfig, type ConfigProblem } from '../config/index.js';
import type { StreamDefinition } from '../model/index.js';
import { STREAM_NAME } from '../protocol/index.js';
import { sinkKind, SINKS } from './sinks/index.js';
import { transformKind, TRANSFORMS } from './transforms/index.js';

/** What a caller gives to create or update a stream (Vigil-native API and CLI); Firehose requests map onto it. */
export const streamInputSchema = Type.Object(
  {
    name: Type.String({ pattern: STREAM_NAME.source, description: 'Stream name (Firehose DeliveryStreamName).' }),
    sink: Type.Object({ type: Type.String() }, { additionalProperties: true, description: `Destination; type is one of: ${SINKS.map((s) => s.type).join(', ')}.` }),
    buffering: Type.Object(
      {
        sizeBytes: Type.Integer({ minimum: 1, maximum: 128 * 1024 * 1024, default: 5 * 1024 * 1024, description: 'BufferingHints.SizeInMBs (Splunk: 1–5 MiB).' }),
        intervalSecs: Type.Integer({ minimum: 0, maximum: 900, default: 60, description: 'BufferingHints.IntervalInSeconds (Splunk: 0–60 s).' }),
      },
      { additionalProperties: false, default: {} },
    ),
    retryDurationSecs: Type.Integer({ minimum: 0, maximum: 7200, default: 3600, description: 'RetryOptions.DurationInSeconds; 0 = no retry.' }),
    processors: Type.Array(
      Type.Object({ type: Type.String(), parameters: Type.Record(Type.String(), Type.String(), { default: {} }) }, { additionalProperties: false }),
      { default: [], description: `Transforms applied in order; type is one of: ${TRANSFORMS.map((t) => t.type).join(', ')}.` },
    ),
    backup: Type.Object(
      {
        mode: Type.Union([Type.Literal('FailedEventsOnly'), Type.Literal('AllEvents')], { default: 'FailedEventsOnly' }),
        prefix: Type.String({ maxLength: 512, default: '' }),
        errorOutputPrefix: Type.String({ maxLength: 512, default: '' }),
      },
      { additionalProperties: false, default: {} },
    ),
  },
  { additionalProperties: false },
);

export type StreamInput = Static<typeof streamInputSchema>;

function invalid(problems: readonly ConfigProblem[], prefix = ''): VigilError {
  const text = problems.map((p) => `${prefix}${p.path}: ${p.message}${p.hint === undefined ? '' : ` (${p.hint})`}`).join('; ');
  return new VigilError('stream.invalid_definition', `invalid stream definition: ${text}`, { details: { problems } });
}

/** Validates input, fills defaults (the sink's own schema included) and builds the definition at `version`. */
export function buildDefinition(raw: unknown, now: number, previous?: StreamDefinition): Result<StreamDefinition> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return err(new VigilError('stream.invalid_definition', 'a stream definition must be a JSON object'));
  const checked = validateConfig(streamInputSchema, raw as Record<string, unknown>);
  if (!checked.ok) return err(invalid((checked.error.details?.['problems'] ?? []) as ConfigProblem[]));
  const input = checked.value.config;
  const kind = sinkKind(input.sink.type);
  if (kind === undefined) return err(new VigilError('stream.invalid_definition', `unknown sink type "${input.sink.type}"`, { hint: `use one of: ${SINKS.map((s) => s.type).join(', ')}` }));
  const sink = validateConfig(kind.schema, input.sink as Record<string, unknown>);
  if (!sink.ok) return err(invalid((sink.error.details?.['problems'] ?? []) as ConfigProblem[], 'sink.'));
  for (const processor of input.processors) {
    if (transformKind(processor.type) === undefined) return err(new VigilError('stream.invalid_definition', `unknown processor type "${processor.type}"`, { hint: `use one of: ${TRANSFORMS.map((t) => t.type).join(', ')}` }));
    if (processor.type === 'javascript' && (processor.parameters['path'] ?? '') === '') return err(new VigilError('stream.invalid_definition', 'a javascript processor needs parameters.path (the module file)'));
  }
  if (previous !== undefined) {
    if (previous.backup.mode === 'AllEvents' && input.backup.mode === 'FailedEventsOnly') {
      return err(new VigilError('stream.invalid_update', 'backup mode can change from FailedEventsOnly to AllEvents, never back (as in Firehose)'));
    }
  }
  return ok({
    name: input.name,
    version: previous === undefined ? 1 : previous.version + 1,
    createdAt: previous?.createdAt ?? now,
    updatedAt: now,
    sink: JSON.parse(JSON.stringify(sink.value.config)) as StreamDefinition['sink'],
    buffering: { ...input.buffering },
    retryDurationSecs: input.retryDurationSecs,
    processors: input.processors.map((p) => ({ type: p.type, parameters: { ...p.parameters } })),
    backup: { ...input.backup },
  });
}

/** The token-free view of a definition (HEC tokens and access keys are never returned). */
export function redactDefinition(definition: StreamDefinition): StreamDefinition {
  const sink: Record<string, unknown> = { ...definition.sink };
  for (const key of ['token', 'accessKey']) if (typeof sink[key] === 'string' && sink[key] !== '') sink[key] = '********';
  return { ...definition, sink: sink as StreamDefinition['sink'] };
}
