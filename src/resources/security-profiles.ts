import { Type } from 'typebox';
import { arns, IOT_NAME, iotResource } from '../protocol/index.js';
import { detectClient, type ProfileBody } from '../api/index.js';
import { allPages, defined, type ApplyContext, type ResourceKind, type Spec } from './resource-kind.js';

/** `thinggroup/NAME`, `all/things`, … (the ARN without its `arn:aws:iot:<region>:<account>:` prefix). */
function shortTarget(arn: string): string {
  return iotResource(arn);
}

function targetArn(ctx: ApplyContext, target: string): string {
  return target.startsWith('arn:') ? target : arns(ctx.vars['region'] ?? 'local', ctx.vars['account_id'] ?? '000000000000').iot(target);
}

const body = (spec: Spec): ProfileBody =>
  defined({ securityProfileDescription: spec['securityProfileDescription'], behaviors: spec['behaviors'], alertTargets: spec['alertTargets'], additionalMetricsToRetainV2: spec['additionalMetricsToRetainV2'], metricsExportConfig: spec['metricsExportConfig'] });

async function targetsOf(ctx: ApplyContext, name: string): Promise<string[]> {
  return allPages(async (token) => {
    const page = await detectClient(ctx.client).listTargets(name, token);
    return { items: page.securityProfileTargets.map((t) => shortTarget(t.arn)), next: page.nextToken };
  });
}

/** Security profiles (Detect) with their targets (`thinggroup/NAME`, `all/things`, `all/registered-things`, `all/unregistered-things`). */
export const securityProfiles: ResourceKind = {
  key: 'security_profiles',
  label: 'security profile',
  nameField: 'securityProfileName',
  schema: Type.Object(
    {
      securityProfileName: Type.String({ pattern: IOT_NAME.source }),
      securityProfileDescription: Type.Optional(Type.String({ maxLength: 1000 })),
      behaviors: Type.Optional(Type.Array(Type.Object({ name: Type.String() }, { additionalProperties: true }), { maxItems: 100 })),
      alertTargets: Type.Optional(Type.Record(Type.String(), Type.Object({ alertTargetArn: Type.String(), roleArn: Type.String() }))),
      additionalMetricsToRetainV2: Type.Optional(Type.Array(Type.Object({ metric: Type.String() }, { additionalProperties: true }))),
      metricsExportConfig: Type.Optional(Type.Object({ mqttTopic: Type.String(), roleArn: Type.String() }, { additionalProperties: false })),
      targets: Type.Optional(Type.Array(Type.String())),
    },
    { additionalProperties: false },
  ),
  normalize: (spec) => ({ ...spec, targets: [...((spec['targets'] as string[] | undefined) ?? [])].map(shortTarget).sort() }),
  async list(ctx) {
    const detect = detectClient(ctx.client);
    const names = await allPages(async (token) => {
      const page = await detect.listProfiles(token);
      return { items: page.securityProfileIdentifiers.map((p) => p.name), next: page.nextToken };
    });
    const specs: Spec[] = [];
    for (const name of names) {
      const p = await detect.describeProfile(name);
      specs.push(defined({ securityProfileName: p.securityProfileName, securityProfileDescription: p.securityProfileDescription === '' ? undefined : p.securityProfileDescription, behaviors: p.behaviors, alertTargets: p.alertTargets, additionalMetricsToRetainV2: p.additionalMetricsToRetainV2, metricsExportConfig: p.metricsExportConfig, targets: (await targetsOf(ctx, name)).sort() }));
    }
    return specs;
  },
  async create(ctx, spec) {
    const name = spec['securityProfileName'] as string;
    const detect = detectClient(ctx.client);
    await detect.createProfile(name, body(spec));
    for (const target of (spec['targets'] as string[] | undefined) ?? []) await detect.attach(name, targetArn(ctx, target));
  },
  async update(ctx, desired, current) {
    const name = desired['securityProfileName'] as string;
    const empty = (key: string): boolean => desired[key] === undefined || (Array.isArray(desired[key]) && (desired[key] as unknown[]).length === 0);
    const detect = detectClient(ctx.client);
    await detect.updateProfile(name, defined({
      ...body(desired),
      deleteBehaviors: empty('behaviors') && current['behaviors'] !== undefined ? true : undefined,
      deleteAlertTargets: desired['alertTargets'] === undefined && current['alertTargets'] !== undefined ? true : undefined,
      deleteAdditionalMetricsToRetain: empty('additionalMetricsToRetainV2') && current['additionalMetricsToRetainV2'] !== undefined ? true : undefined,
      deleteMetricsExportConfig: desired['metricsExportConfig'] === undefined && current['metricsExportConfig'] !== undefined ? true : undefined,
    }));
    const want = new Set(((desired['targets'] as string[] | undefined) ?? []).map(shortTarget));
    const have = new Set((current['targets'] as string[] | undefined) ?? []);
    for (const t of want) if (!have.has(t)) await detect.attach(name, targetArn(ctx, t));
    for (const t of have) if (!want.has(t)) await detect.detach(name, targetArn(ctx, t));
  },
  async delete({ client }, name) {
    await detectClient(client).deleteProfile(name);
  },
};
