import { Type } from 'typebox';
import { IOT_NAME } from '../protocol/index.js';
import { detectClient } from '../api/index.js';
import { allPages, defined, type ResourceKind, type Spec } from './resource-kind.js';

/** Custom metrics (Detect): type fixed at creation, display name changes in place. */
export const customMetrics: ResourceKind = {
  key: 'custom_metrics',
  label: 'custom metric',
  nameField: 'metricName',
  schema: Type.Object(
    {
      metricName: Type.String({ pattern: IOT_NAME.source }),
      metricType: Type.Union([Type.Literal('number'), Type.Literal('number-list'), Type.Literal('string-list'), Type.Literal('ip-address-list')]),
      displayName: Type.Optional(Type.String({ maxLength: 128 })),
    },
    { additionalProperties: false },
  ),
  async list({ client }) {
    const detect = detectClient(client);
    const names = await allPages(async (token) => {
      const page = await detect.listCustomMetrics(token);
      return { items: [...page.metricNames], next: page.nextToken };
    });
    const specs: Spec[] = [];
    for (const name of names) {
      const m = await detect.describeCustomMetric(name);
      specs.push(defined({ metricName: m.metricName, metricType: m.metricType, displayName: m.displayName === '' ? undefined : m.displayName }));
    }
    return specs;
  },
  async create({ client }, spec) {
    await detectClient(client).createCustomMetric(spec['metricName'] as string, defined({ metricType: spec['metricType'], displayName: spec['displayName'], clientRequestToken: `vigil-apply-${String(spec['metricName'])}` }));
  },
  updateBlocked: (desired, current) => (desired['metricType'] !== current['metricType'] ? 'a custom metric\'s type cannot change: delete it first' : undefined),
  async update({ client }, desired) {
    await detectClient(client).updateCustomMetric(desired['metricName'] as string, (desired['displayName'] as string | undefined) ?? '');
  },
  async delete({ client }, name) {
    await detectClient(client).deleteCustomMetric(name);
  },
};
