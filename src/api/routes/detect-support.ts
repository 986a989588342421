import { VigilError } from '../../core/index.js';
import type { SecurityProfile } from '../../model/index.js';
import type { ProfileDescription } from '../contract/index.js';
import { compact, seconds } from './iot-registry-support.js';

/** rest-json query timestamps: ISO-8601 (the SDK's default) or epoch seconds. */
export function queryTime(value: string | undefined, name: string): number | undefined {
  if (value === undefined || value === '') return undefined;
  if (/^-?[0-9]+(\.[0-9]+)?$/.test(value)) return Math.round(Number(value) * 1000);
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new VigilError('api.invalid_request', `${name} must be an ISO-8601 time or epoch seconds`);
  return ms;
}

/** Body timestamps: epoch seconds (number) or ISO strings. */
export function bodyTime(value: unknown, name: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number') return Math.round(value * 1000);
  if (typeof value === 'string') return queryTime(value, name);
  throw new VigilError('api.invalid_request', `${name} must be a timestamp`);
}

export function profileBody(profile: SecurityProfile, arn: string): ProfileDescription {
  return compact({
    securityProfileName: profile.name,
    securityProfileArn: arn,
    securityProfileDescription: profile.description,
    behaviors: profile.behaviors,
    alertTargets: Object.keys(profile.alertTargets).length === 0 ? undefined : profile.alertTargets,
    additionalMetricsToRetain: profile.additionalMetricsToRetain.length === 0 ? undefined : profile.additionalMetricsToRetain,
    additionalMetricsToRetainV2: profile.additionalMetricsToRetainV2.length === 0 ? undefined : profile.additionalMetricsToRetainV2,
    version: profile.version,
    creationDate: seconds(profile.createdAt),
    lastModifiedDate: seconds(profile.updatedAt),
    metricsExportConfig: profile.metricsExportConfig,
  });
}

