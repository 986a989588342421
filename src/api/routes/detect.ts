import type { FastifyInstance } from 'fastify';
import { unwrap } from '../../core/index.js';
import type { AlertTarget, Behavior, MetricToRetain, MetricsExportConfig, Tag } from '../../model/index.js';
import type { ApiDeps } from '../deps.js';
import { array, object, profileBody } from './detect-support.js';
import { body, bool, compact, int, optionalBool, params, query, required, seconds, str } from './iot-registry-support.js';

const tags = ['AWS IoT Device Defender: Detect'];

/** Security profiles, targets, behavior validation, custom metrics and dimensions (AWS IoT rest-json paths, §10). */
export function detectRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const { detect } = deps;
  if (detect === undefined) return;
  const { profiles } = detect;
  const input = (b: Record<string, unknown>) => ({
    securityProfileDescription: str(b, 'securityProfileDescription'),
    behaviors: array<Behavior>(b, 'behaviors'),
    alertTargets: object<Record<string, AlertTarget>>(b, 'alertTargets'),
    additionalMetricsToRetain: array<string>(b, 'additionalMetricsToRetain'),
    additionalMetricsToRetainV2: array<MetricToRetain>(b, 'additionalMetricsToRetainV2'),
    tags: array<Tag>(b, 'tags'),
    metricsExportConfig: object<MetricsExportConfig>(b, 'metricsExportConfig'),
  });

  app.post('/security-profile-behaviors/validate', { schema: { tags, summary: 'ValidateSecurityProfileBehaviors' } }, async (request) => profiles.validate(array<Behavior>(body(request), 'behaviors') ?? []));

  app.post('/security-profiles/:name', { schema: { tags, summary: 'CreateSecurityProfile' } }, async (request) => {
    const profile = unwrap(await profiles.createProfile(params(request)['name'] as string, input(body(request))));
    return { securityProfileName: profile.name, securityProfileArn: profiles.arn.profile(profile.name) };
  });

  app.get('/security-profiles/:name', { schema: { tags, summary: 'DescribeSecurityProfile' } }, async (request) => {
    const profile = unwrap(await profiles.describeProfile(params(request)['name'] as string));
    return profileBody(profile, profiles.arn.profile(profile.name));
  });

  app.patch('/security-profiles/:name', { schema: { tags, summary: 'UpdateSecurityProfile' } }, async (request) => {
    const b = body(request);
    const profile = unwrap(await profiles.updateProfile(params(request)['name'] as string, {
      ...input(b),
      deleteBehaviors: optionalBool(b, 'deleteBehaviors'),
      deleteAlertTargets: optionalBool(b, 'deleteAlertTargets'),
      deleteAdditionalMetricsToRetain: optionalBool(b, 'deleteAdditionalMetricsToRetain'),
      deleteMetricsExportConfig: optionalBool(b, 'deleteMetricsExportConfig'),
      expectedVersion: int(query(request)['expectedVersion'], 'expectedVersion'),
    }));
    return profileBody(profile, profiles.arn.profile(profile.name));
  });

  app.delete('/security-profiles/:name', { schema: { tags, summary: 'DeleteSecurityProfile' } }, async (request) => {
    unwrap(await profiles.deleteProfile(params(request)['name'] as string, int(query(request)['expectedVersion'], 'expectedVersion')));
    return {};
  });

  app.get('/security-profiles', { schema: { tags, summary: 'ListSecurityProfiles' } }, async (request) => {
    const q = query(request);
    const listed = unwrap(await profiles.listProfiles({ dimensionName: q['dimensionName'], metricName: q['metricName'], nextToken: q['nextToken'], maxResults: int(q['maxResults'], 'maxResults') }));
    return compact({ securityProfileIdentifiers: listed.items.map((p) => ({ name: p.name, arn: profiles.arn.profile(p.name) })), nextToken: listed.nextToken });
  });

  app.put('/security-profiles/:name/targets', { schema: { tags, summary: 'AttachSecurityProfile' } }, async (request) => {
    unwrap(await profiles.attach(params(request)['name'] as string, required(query(request) as Record<string, unknown>, 'securityProfileTargetArn')));
    return {};
  });

  app.delete('/security-profiles/:name/targets', { schema: { tags, summary: 'DetachSecurityProfile' } }, async (request) => {
    unwrap(await profiles.detach(params(request)['name'] as string, required(query(request) as Record<string, unknown>, 'securityProfileTargetArn')));
    return {};
  });

  app.get('/security-profiles/:name/targets', { schema: { tags, summary: 'ListTargetsForSecurityProfile' } }, async (request) => {
    const q = query(request);
    const listed = unwrap(await profiles.listTargets(params(request)['name'] as string, { nextToken: q['nextToken'], maxResults: int(q['maxResults'], 'maxResults') }));
    return compact({ securityProfileTargets: listed.items.map((arn) => ({ arn })), nextToken: listed.nextToken });
  });

  app.get('/security-profiles-for-target', { schema: { tags, summary: 'ListSecurityProfilesForTarget' } }, async (request) => {
    const q = query(request);
    const listed = unwrap(await profiles.listProfilesForTarget(required(q as Record<string, unknown>, 'securityProfileTargetArn'), { recursive: bool(q['recursive'], 'recursive'), nextToken: q['nextToken'], maxResults: int(q['maxResults'], 'maxResults') }));
    return compact({
      securityProfileTargetMappings: listed.items.map((m) => ({ securityProfileIdentifier: { name: m.profileName, arn: profiles.arn.profile(m.profileName) }, target: { arn: m.targetArn } })),
      nextToken: listed.nextToken,
    });
  });

  app.post('/custom-metric/:metricName', { schema: { tags, summary: 'CreateCustomMetric' } }, async (request) => {
    const b = body(request);
    const metric = unwrap(await profiles.createCustomMetric(params(request)['metricName'] as string, { metricType: str(b, 'metricType'), displayName: str(b, 'displayName'), tags: array<Tag>(b, 'tags') }));
    return { metricName: metric.name, metricArn: profiles.arn.customMetric(metric.name) };
  });

  const metricBody = (m: { name: string; displayName: string | undefined; metricType: string; createdAt: number; updatedAt: number }) =>
    compact({ metricName: m.name, metricArn: profiles.arn.customMetric(m.name), metricType: m.metricType, displayName: m.displayName, creationDate: seconds(m.createdAt), lastModifiedDate: seconds(m.updatedAt) });

  app.get('/custom-metric/:metricName', { schema: { tags, summary: 'DescribeCustomMetric' } }, async (request) => metricBody(unwrap(await profiles.describeCustomMetric(params(request)['metricName'] as string))));

  app.patch('/custom-metric/:metricName', { schema: { tags, summary: 'UpdateCustomMetric' } }, async (request) => metricBody(unwrap(await profiles.updateCustomMetric(params(request)['metricName'] as string, required(body(request), 'displayName')))));

  app.delete('/custom-metric/:metricName', { schema: { tags, summary: 'DeleteCustomMetric' } }, async (request) => {
    unwrap(await profiles.deleteCustomMetric(params(request)['metricName'] as string));
    return {};
  });

  app.get('/custom-metrics', { schema: { tags, summary: 'ListCustomMetrics' } }, async (request) => {
    const q = query(request);
    const listed = unwrap(await profiles.listCustomMetrics({ nextToken: q['nextToken'], maxResults: int(q['maxResults'], 'maxResults') }));
    return compact({ metricNames: listed.items.map((m) => m.name), nextToken: listed.nextToken });
  });

  const dimensionBody = (d: { name: string; type: string; stringValues: readonly string[]; createdAt: number; updatedAt: number }) =>
    ({ name: d.name, arn: profiles.arn.dimension(d.name), type: d.type, stringValues: d.stringValues, creationDate: seconds(d.createdAt), lastModifiedDate: seconds(d.updatedAt) });

  app.post('/dimensions/:name', { schema: { tags, summary: 'CreateDimension' } }, async (request) => {
    const b = body(request);
    const dimension = unwrap(await profiles.createDimension(params(request)['name'] as string, { type: str(b, 'type'), stringValues: array<string>(b, 'stringValues'), tags: array<Tag>(b, 'tags') }));
    return { name: dimension.name, arn: profiles.arn.dimension(dimension.name) };
  });

  app.get('/dimensions/:name', { schema: { tags, summary: 'DescribeDimension' } }, async (request) => dimensionBody(unwrap(await profiles.describeDimension(params(request)['name'] as string))));

  app.patch('/dimensions/:name', { schema: { tags, summary: 'UpdateDimension' } }, async (request) => dimensionBody(unwrap(await profiles.updateDimension(params(request)['name'] as string, array<string>(body(request), 'stringValues')))));

  app.delete('/dimensions/:name', { schema: { tags, summary: 'DeleteDimension' } }, async (request) => {
    unwrap(await profiles.deleteDimension(params(request)['name'] as string));
    return {};
  });

  app.get('/dimensions', { schema: { tags, summary: 'ListDimensions' } }, async (request) => {
    const q = query(request);
    const listed = unwrap(await profiles.listDimensions({ nextToken: q['nextToken'], maxResults: int(q['maxResults'], 'maxResults') }));
    return compact({ dimensionNames: listed.items.map((d) => d.name), nextToken: listed.nextToken });
  });
}
