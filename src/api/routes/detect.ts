import type { FastifyInstance } from 'fastify';
import { unwrap } from '../../core/index.js';
import type { AlertTarget, Behavior, MetricToRetain, MetricsExportConfig, Tag } from '../../model/index.js';
import { detectContract as c, type ProfileBody } from '../contract/index.js';
import type { ApiDeps } from '../deps.js';
import { typed } from '../route-app.js';
import { profileBody } from './detect-support.js';
import { compact, seconds } from './iot-registry-support.js';

const tags = ['AWS IoT Device Defender: Detect'];

/** The body's AWS shapes as the engine takes them; the engine checks behaviors and metrics (AWS's validation messages). */
function profileInput(b: ProfileBody) {
  return {
    securityProfileDescription: b.securityProfileDescription,
    behaviors: b.behaviors as unknown as readonly Behavior[] | undefined,
    alertTargets: b.alertTargets as Readonly<Record<string, AlertTarget>> | undefined,
    additionalMetricsToRetain: b.additionalMetricsToRetain,
    additionalMetricsToRetainV2: b.additionalMetricsToRetainV2 as unknown as readonly MetricToRetain[] | undefined,
    tags: b.tags as readonly Tag[] | undefined,
    metricsExportConfig: b.metricsExportConfig as MetricsExportConfig | undefined,
  };
}

/** Security profiles, targets, behavior validation, custom metrics and dimensions (AWS IoT rest-json paths, §10). */
export function detectRoutes(fastify: FastifyInstance, deps: Pick<ApiDeps, 'detect'>): void {
  const app = typed(fastify);
  const { profiles } = deps.detect;

  app.post('/security-profile-behaviors/validate', { schema: { tags, summary: 'ValidateSecurityProfileBehaviors', ...c.validateBehaviors } }, async (request) => profiles.validate((request.body.behaviors ?? []) as unknown as readonly Behavior[]));

  app.post('/security-profiles/:name', { schema: { tags, summary: 'CreateSecurityProfile', ...c.createProfile } }, async (request) => {
    const profile = unwrap(await profiles.createProfile(request.params.name, profileInput(request.body)));
    return { securityProfileName: profile.name, securityProfileArn: profiles.arn.profile(profile.name) };
  });

  app.get('/security-profiles/:name', { schema: { tags, summary: 'DescribeSecurityProfile', ...c.describeProfile } }, async (request) => {
    const profile = unwrap(await profiles.describeProfile(request.params.name));
    return profileBody(profile, profiles.arn.profile(profile.name));
  });

  app.patch('/security-profiles/:name', { schema: { tags, summary: 'UpdateSecurityProfile', ...c.updateProfile } }, async (request) => {
    const b = request.body;
    const profile = unwrap(await profiles.updateProfile(request.params.name, {
      ...profileInput(b),
      deleteBehaviors: b.deleteBehaviors,
      deleteAlertTargets: b.deleteAlertTargets,
      deleteAdditionalMetricsToRetain: b.deleteAdditionalMetricsToRetain,
      deleteMetricsExportConfig: b.deleteMetricsExportConfig,
      expectedVersion: request.query.expectedVersion,
    }));
    return profileBody(profile, profiles.arn.profile(profile.name));
  });

  app.delete('/security-profiles/:name', { schema: { tags, summary: 'DeleteSecurityProfile', ...c.deleteProfile } }, async (request) => {
    unwrap(await profiles.deleteProfile(request.params.name, request.query.expectedVersion));
    return {};
  });

  app.get('/security-profiles', { schema: { tags, summary: 'ListSecurityProfiles', ...c.listProfiles } }, async (request) => {
    const listed = unwrap(await profiles.listProfiles(request.query));
    return compact({ securityProfileIdentifiers: listed.items.map((p) => ({ name: p.name, arn: profiles.arn.profile(p.name) })), nextToken: listed.nextToken });
  });

  app.put('/security-profiles/:name/targets', { schema: { tags, summary: 'AttachSecurityProfile', ...c.attachProfile } }, async (request) => {
    unwrap(await profiles.attach(request.params.name, request.query.securityProfileTargetArn));
    return {};
  });

  app.delete('/security-profiles/:name/targets', { schema: { tags, summary: 'DetachSecurityProfile', ...c.detachProfile } }, async (request) => {
    unwrap(await profiles.detach(request.params.name, request.query.securityProfileTargetArn));
    return {};
  });

  app.get('/security-profiles/:name/targets', { schema: { tags, summary: 'ListTargetsForSecurityProfile', ...c.listTargets } }, async (request) => {
    const listed = unwrap(await profiles.listTargets(request.params.name, request.query));
    return compact({ securityProfileTargets: listed.items.map((arn) => ({ arn })), nextToken: listed.nextToken });
  });

  app.get('/security-profiles-for-target', { schema: { tags, summary: 'ListSecurityProfilesForTarget', ...c.listProfilesForTarget } }, async (request) => {
    const { securityProfileTargetArn, ...options } = request.query;
    const listed = unwrap(await profiles.listProfilesForTarget(securityProfileTargetArn, options));
    return compact({
      securityProfileTargetMappings: listed.items.map((m) => ({ securityProfileIdentifier: { name: m.profileName, arn: profiles.arn.profile(m.profileName) }, target: { arn: m.targetArn } })),
      nextToken: listed.nextToken,
    });
  });

  app.post('/custom-metric/:metricName', { schema: { tags, summary: 'CreateCustomMetric', ...c.createCustomMetric } }, async (request) => {
    const b = request.body;
    const metric = unwrap(await profiles.createCustomMetric(request.params.metricName, { metricType: b.metricType, displayName: b.displayName, tags: b.tags as readonly Tag[] | undefined }));
    return { metricName: metric.name, metricArn: profiles.arn.customMetric(metric.name) };
  });

  const metricBody = (m: { name: string; displayName: string | undefined; metricType: string; createdAt: number; updatedAt: number }) =>
    compact({ metricName: m.name, metricArn: profiles.arn.customMetric(m.name), metricType: m.metricType, displayName: m.displayName, creationDate: seconds(m.createdAt), lastModifiedDate: seconds(m.updatedAt) });

  app.get('/custom-metric/:metricName', { schema: { tags, summary: 'DescribeCustomMetric', ...c.describeCustomMetric } }, async (request) => metricBody(unwrap(await profiles.describeCustomMetric(request.params.metricName))));

  app.patch('/custom-metric/:metricName', { schema: { tags, summary: 'UpdateCustomMetric', ...c.updateCustomMetric } }, async (request) => metricBody(unwrap(await profiles.updateCustomMetric(request.params.metricName, request.body.displayName))));

  app.delete('/custom-metric/:metricName', { schema: { tags, summary: 'DeleteCustomMetric', ...c.deleteCustomMetric } }, async (request) => {
    unwrap(await profiles.deleteCustomMetric(request.params.metricName));
    return {};
  });

  app.get('/custom-metrics', { schema: { tags, summary: 'ListCustomMetrics', ...c.listCustomMetrics } }, async (request) => {
    const listed = unwrap(await profiles.listCustomMetrics(request.query));
    return compact({ metricNames: listed.items.map((m) => m.name), nextToken: listed.nextToken });
  });

  const dimensionBody = (d: { name: string; type: string; stringValues: readonly string[]; createdAt: number; updatedAt: number }) =>
    ({ name: d.name, arn: profiles.arn.dimension(d.name), type: d.type, stringValues: d.stringValues, creationDate: seconds(d.createdAt), lastModifiedDate: seconds(d.updatedAt) });

  app.post('/dimensions/:name', { schema: { tags, summary: 'CreateDimension', ...c.createDimension } }, async (request) => {
    const b = request.body;
    const dimension = unwrap(await profiles.createDimension(request.params.name, { type: b.type, stringValues: b.stringValues, tags: b.tags as readonly Tag[] | undefined }));
    return { name: dimension.name, arn: profiles.arn.dimension(dimension.name) };
  });

  app.get('/dimensions/:name', { schema: { tags, summary: 'DescribeDimension', ...c.describeDimension } }, async (request) => dimensionBody(unwrap(await profiles.describeDimension(request.params.name))));

  app.patch('/dimensions/:name', { schema: { tags, summary: 'UpdateDimension', ...c.updateDimension } }, async (request) => dimensionBody(unwrap(await profiles.updateDimension(request.params.name, request.body.stringValues))));

  app.delete('/dimensions/:name', { schema: { tags, summary: 'DeleteDimension', ...c.deleteDimension } }, async (request) => {
    unwrap(await profiles.deleteDimension(request.params.name));
    return {};
  });

  app.get('/dimensions', { schema: { tags, summary: 'ListDimensions', ...c.listDimensions } }, async (request) => {
    const listed = unwrap(await profiles.listDimensions(request.query));
    return compact({ dimensionNames: listed.items.map((d) => d.name), nextToken: listed.nextToken });
  });
}
