import { Type } from 'typebox';
import { streamClient, type StreamBody } from '../api/index.js';
import { buildDefinition, streamInputSchema } from '../stream/index.js';
import { defined, type ApplyContext, type ResourceKind, type Spec } from './resource-kind.js';

const SECRET_KEYS = ['token', 'accessKey'];

/** The definition's user-facing fields with the sink's defaults filled (as the server stores them). */
function normalizeStream(spec: Spec): Spec {
  const built = buildDefinition(spec, 0);
  if (!built.ok) return spec;
  const d = built.value;
  return { name: d.name, sink: d.sink, buffering: d.buffering, retryDurationSecs: d.retryDurationSecs, processors: d.processors, backup: d.backup };
}

/** `${hec_token:NAME}` placeholders in the sink are looked up now, just before the definition is sent. */
async function resolveSecrets(ctx: ApplyContext, spec: Spec): Promise<Spec> {
  const sink = { ...(spec['sink'] as Spec) };
  for (const key of SECRET_KEYS) {
    const value = sink[key];
    const match = typeof value === 'string' ? /^\$\{hec_token:([^}]+)\}$/.exec(value) : null;
    if (match?.[1] !== undefined) sink[key] = await ctx.hecToken(match[1]);
  }
  return { ...spec, sink };
}

/**
 * Delivery streams (`/api/v1/streams`). Sink secrets are never returned by the server, so they are
 * not compared; export writes them as placeholders: `${hec_token:<stream>}` for a splunk-hec sink
 * that points at Vigil's own HEC (by convention the stream's token has the stream's name), else
 * `${env:VIGIL_STREAM_<NAME>_TOKEN}`.
 */
export const streams: ResourceKind = {
  key: 'streams',
  label: 'stream',
  nameField: 'name',
  // The full check is the stream engine's own (buildDefinition, with every default and the sink's schema).
  schema: Type.Object({ name: streamInputSchema.properties.name, sink: Type.Object({ type: Type.String() }, { additionalProperties: true }) }, { additionalProperties: true }),
  validate(spec) {
    const built = buildDefinition(spec, 0);
    return built.ok ? [] : [built.error.message];
  },
  normalize: normalizeStream,
  comparable: (spec) => {
    const sink = { ...(spec['sink'] as Spec) };
    for (const key of SECRET_KEYS) delete sink[key];
    return { ...spec, sink };
  },
  async list({ client }) {
    return (await streamClient(client).list()).streams.map((d) => ({ name: d.name, sink: d.sink, buffering: d.buffering, retryDurationSecs: d.retryDurationSecs, processors: d.processors, backup: d.backup }));
  },
  async create(ctx, spec) {
    await streamClient(ctx.client).create(await resolveSecrets(ctx, spec) as StreamBody);
  },
  async update(ctx, desired) {
    await streamClient(ctx.client).update(desired['name'] as string, await resolveSecrets(ctx, desired) as StreamBody);
  },
  async delete({ client }, name) {
    await streamClient(client).delete(name);
  },
  exportSpec(spec, ctx) {
    const sink = { ...(spec['sink'] as Spec) };
    const name = spec['name'] as string;
    const hecUrl = ctx.vars['hec_url'];
    if (sink['type'] === 'splunk-hec' && hecUrl !== undefined && String(sink['endpoint']).replace(/\/$/, '') === hecUrl.replace(/\/$/, '')) {
      sink['endpoint'] = '${hec_url}';
      sink['token'] = `\${hec_token:${name}}`;
    } else {
      for (const key of SECRET_KEYS) if (typeof sink[key] === 'string' && sink[key] !== '') sink[key] = `\${env:VIGIL_STREAM_${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_${key.toUpperCase()}}`;
    }
    return defined({ ...spec, sink });
  },
};
