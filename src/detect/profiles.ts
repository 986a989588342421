import { VigilError, type Clock } from '../core/index.js';
import type { AlertTarget, Behavior, CustomMetric, CustomMetricType, Dimension, MetricToRetain, MetricsExportConfig, ProfileStore, SecurityProfile, Tag, ThingDirectory } from '../model/index.js';
import type { Telemetry } from '../telemetry/index.js';
import { parseProfileTarget } from './targets.js';
import { NAME_PATTERN, validateBehaviors, validateRetained, type ValidationContext } from './validation.js';

/** AWS: at most 5 security profiles per target. */
export const MAX_PROFILES_PER_TARGET = 5;

export interface ProfileInput {
  readonly securityProfileDescription?: string | undefined;
  readonly behaviors?: readonly Behavior[] | undefined;
  readonly alertTargets?: Readonly<Record<string, AlertTarget>> | undefined;
  readonly additionalMetricsToRetain?: readonly string[] | undefined;
  readonly additionalMetricsToRetainV2?: readonly MetricToRetain[] | undefined;
  readonly tags?: readonly Tag[] | undefined;
  readonly metricsExportConfig?: MetricsExportConfig | undefined;
}

export interface ProfileUpdate extends ProfileInput {
  readonly deleteBehaviors?: boolean | undefined;
  readonly deleteAlertTargets?: boolean | undefined;
  readonly deleteAdditionalMetricsToRetain?: boolean | undefined;
  readonly deleteMetricsExportConfig?: boolean | undefined;
  readonly expectedVersion?: number | undefined;
}

export interface Paged<T> {
  readonly items: readonly T[];
  readonly nextToken: string | undefined;
}

export interface ProfilesDeps {
  readonly store: ProfileStore;
  readonly directory: ThingDirectory;
  readonly clock: Clock;
  readonly telemetry: Telemetry;
  readonly arnPrefix: string;
  /** Called after every change that alters evaluation (the engine reloads). */
  readonly changed: () => Promise<void>;
}

export type ProfilesService = ReturnType<typeof profilesService>;

/** Security profiles, targets, custom metrics and dimensions: the control-plane operations of §3 and §2.3. */
export function profilesService(deps: ProfilesDeps) {
  const { store } = deps;
  const emit = (resource: string, action: string, fields: Record<string, unknown>) => deps.telemetry.emit('detect_profile_changed', { resource, action }, fields);
  const arn = {
    profile: (name: string) => `${deps.arnPrefix}:securityprofile/${name}`,
    customMetric: (name: string) => `${deps.arnPrefix}:custommetric/${name}`,
    dimension: (name: string) => `${deps.arnPrefix}:dimension/${name}`,
  };

  async function context(): Promise<ValidationContext> {
    const metrics = await allOf((cursor) => store.listCustomMetrics({ limit: 250, cursor }));
    const dimensions = await allOf((cursor) => store.listDimensions({ limit: 250, cursor }));
    return { customMetrics: new Map(metrics.map((m) => [m.name, m.metricType] as const)), dimensions: new Set(dimensions.map((d) => d.name)) };
  }

  async function requireProfile(name: string): Promise<SecurityProfile> {
    const profile = await store.getProfile(name);
    if (profile === undefined) throw new VigilError('security_profile.not_found', `no security profile named ${name}`);
    return profile;
  }

  async function check(profile: Omit<SecurityProfile, 'version' | 'createdAt' | 'updatedAt'>): Promise<void> {
    const ctx = await context();
    const errors = [...validateBehaviors(profile.behaviors, ctx), ...validateRetained(profile.additionalMetricsToRetain, profile.additionalMetricsToRetainV2, ctx)];
    if (profile.description !== undefined && profile.description.length > 1000) errors.push('securityProfileDescription is at most 1000 characters');
    // Shapes (strings where AWS has strings) are the API contract's to check (src/api/contract/detect.ts)
    // and the types' for in-process callers; what stays here are AWS's rules on the values.
    for (const [type, target] of Object.entries(profile.alertTargets)) {
      if (type !== 'SNS') errors.push(`alertTargets: unknown alert target type ${type} (only SNS)`);
      if (target.alertTargetArn === '') errors.push(`alertTargets.${type}.alertTargetArn is required`);
      if (target.roleArn.length < 20 || target.roleArn.length > 2048) errors.push(`alertTargets.${type}.roleArn must be 20..2048 characters`);
    }
    const exportConfig = profile.metricsExportConfig;
    if (exportConfig !== undefined) {
      if (exportConfig.mqttTopic.length < 1 || exportConfig.mqttTopic.length > 512) errors.push('metricsExportConfig.mqttTopic must be 1..512 characters');
      if (exportConfig.roleArn.length < 20 || exportConfig.roleArn.length > 2048) errors.push('metricsExportConfig.roleArn must be 20..2048 characters');
    }
    const exports = profile.behaviors.some((b) => b.exportMetric === true) || profile.additionalMetricsToRetainV2.some((m) => m.exportMetric === true);
    if (exports && exportConfig === undefined) errors.push('exportMetric is set but the profile has no metricsExportConfig');
    if (errors.length > 0) throw new VigilError('security_profile.invalid_request', errors.join('; '), { details: { validationErrors: errors } });
  }

  return {
    arn,

    async createProfile(name: string, input: ProfileInput): Promise<SecurityProfile> {
      if (!NAME_PATTERN.test(name)) throw new VigilError('security_profile.invalid_request', 'securityProfileName must be 1..128 characters of [a-zA-Z0-9:_-]');
      const now = deps.clock.now();
      const profile: SecurityProfile = {
        name,
        description: input.securityProfileDescription,
        behaviors: input.behaviors ?? [],
        alertTargets: input.alertTargets ?? {},
        additionalMetricsToRetain: input.additionalMetricsToRetain ?? [],
        additionalMetricsToRetainV2: input.additionalMetricsToRetainV2 ?? [],
        metricsExportConfig: input.metricsExportConfig,
        tags: input.tags ?? [],
        version: 1,
        createdAt: now,
        updatedAt: now,
      };
      await check(profile);
      if (!(await store.createProfile(profile))) throw new VigilError('security_profile.already_exists', `security profile ${name} already exists`, { details: { resourceId: name, resourceArn: arn.profile(name) } });
      emit('security_profile', 'create', { name });
      await deps.changed();
      return profile;
    },

    describeProfile: requireProfile,

    async updateProfile(name: string, input: ProfileUpdate): Promise<SecurityProfile> {
      const current = await requireProfile(name);
      if (input.expectedVersion !== undefined && input.expectedVersion !== current.version) throw new VigilError('security_profile.version_conflict', `security profile ${name} is at version ${current.version}, not ${input.expectedVersion}`);
      const updated: SecurityProfile = {
        ...current,
        description: input.securityProfileDescription ?? current.description,
        behaviors: input.deleteBehaviors === true ? [] : (input.behaviors ?? current.behaviors),
        alertTargets: input.deleteAlertTargets === true ? {} : (input.alertTargets ?? current.alertTargets),
        additionalMetricsToRetain: input.deleteAdditionalMetricsToRetain === true ? [] : (input.additionalMetricsToRetain ?? current.additionalMetricsToRetain),
        additionalMetricsToRetainV2: input.deleteAdditionalMetricsToRetain === true ? [] : (input.additionalMetricsToRetainV2 ?? current.additionalMetricsToRetainV2),
        metricsExportConfig: input.deleteMetricsExportConfig === true ? undefined : (input.metricsExportConfig ?? current.metricsExportConfig),
        version: current.version + 1,
        updatedAt: deps.clock.now(),
      };
      if (input.deleteBehaviors === true && input.behaviors !== undefined && input.behaviors.length > 0) throw new VigilError('security_profile.invalid_request', 'deleteBehaviors and behaviors cannot be used together');
      await check(updated);
      if (!(await store.updateProfile(updated))) throw new VigilError('security_profile.version_conflict', `security profile ${name} changed concurrently; retry`);
      emit('security_profile', 'update', { name, version: updated.version });
      await deps.changed();
      return updated;
    },

    async deleteProfile(name: string, expectedVersion?: number): Promise<void> {
      const current = await store.getProfile(name);
      if (current === undefined) return;
      if (expectedVersion !== undefined && expectedVersion !== current.version) throw new VigilError('security_profile.version_conflict', `security profile ${name} is at version ${current.version}, not ${expectedVersion}`);
      await store.deleteProfile(name);
      emit('security_profile', 'delete', { name });
      await deps.changed();
    },

    async listProfiles(query: { dimensionName?: string | undefined; metricName?: string | undefined; nextToken?: string | undefined; maxResults?: number | undefined }): Promise<Paged<SecurityProfile>> {
      if (query.dimensionName !== undefined && query.metricName !== undefined) throw new VigilError('security_profile.invalid_request', 'dimensionName and metricName cannot be used together');
      const uses = (p: SecurityProfile): boolean => {
        if (query.dimensionName !== undefined) return p.behaviors.some((b) => b.metricDimension?.dimensionName === query.dimensionName) || p.additionalMetricsToRetainV2.some((m) => m.metricDimension?.dimensionName === query.dimensionName);
        if (query.metricName !== undefined) return p.behaviors.some((b) => b.metric === query.metricName) || p.additionalMetricsToRetain.includes(query.metricName) || p.additionalMetricsToRetainV2.some((m) => m.metric === query.metricName);
        return true;
      };
      return page((await store.listProfiles()).filter(uses), query, (p) => p.name);
    },

    async validate(behaviors: readonly Behavior[]): Promise<{ valid: boolean; validationErrors: Array<{ errorMessage: string }> }> {
      const errors = validateBehaviors(behaviors, await context());
      return { valid: errors.length === 0, validationErrors: errors.map((errorMessage) => ({ errorMessage })) };
    },

    async attach(name: string, targetArn: string): Promise<void> {
      await requireProfile(name);
      const target = parseProfileTarget(targetArn);
      if (target === undefined) throw new VigilError('security_profile.invalid_request', `${targetArn} is not a security profile target (all/things, all/registered-things, all/unregistered-things or thinggroup/<name> ARN)`);
      if (target.group !== undefined) await deps.directory.requireGroup(target.group);
      const targets = await store.listTargets();
      if (targets.some((t) => t.profileName === name && t.targetArn === targetArn)) return;
      if (targets.filter((t) => t.targetArn === targetArn).length >= MAX_PROFILES_PER_TARGET) throw new VigilError('security_profile.limit_exceeded', `target ${targetArn} already has ${MAX_PROFILES_PER_TARGET} security profiles (the limit)`);
      await store.attachTarget(name, targetArn, deps.clock.now());
      emit('security_profile_target', 'attach', { name, targetArn });
      await deps.changed();
    },

    async detach(name: string, targetArn: string): Promise<void> {
      await requireProfile(name);
      if (await store.detachTarget(name, targetArn)) {
        emit('security_profile_target', 'detach', { name, targetArn });
        await deps.changed();
      }
    },

    async listTargets(name: string, query: { nextToken?: string | undefined; maxResults?: number | undefined }): Promise<Paged<string>> {
      await requireProfile(name);
      const targets = (await store.listTargets()).filter((t) => t.profileName === name).map((t) => t.targetArn);
      return page(targets, query, (t) => t);
    },

    async listProfilesForTarget(targetArn: string, query: { recursive?: boolean | undefined; nextToken?: string | undefined; maxResults?: number | undefined }): Promise<Paged<{ profileName: string; targetArn: string }>> {
      const target = parseProfileTarget(targetArn);
      if (target === undefined) throw new VigilError('security_profile.invalid_request', `${targetArn} is not a security profile target ARN`);
      const groups = new Set<string>();
      if (target.group !== undefined) {
        groups.add(target.group);
        if (query.recursive === true) for (const child of await deps.directory.descendantsOf(target.group)) groups.add(child);
      }
      const mappings = (await store.listTargets()).filter((t) => {
        if (t.targetArn === targetArn) return true;
        const group = parseProfileTarget(t.targetArn)?.group;
        return group !== undefined && groups.has(group);
      });
      return page(mappings, query, (m) => `${m.profileName}|${m.targetArn}`);
    },

    async createCustomMetric(name: string, input: { metricType?: string | undefined; displayName?: string | undefined; tags?: readonly Tag[] | undefined }): Promise<CustomMetric> {
      if (!NAME_PATTERN.test(name) || name.startsWith('aws:')) throw new VigilError('custom_metric.invalid_request', 'metricName must be 1..128 characters of [a-zA-Z0-9:_-] and must not start with aws:');
      if (!['number', 'number-list', 'string-list', 'ip-address-list'].includes(input.metricType ?? '')) throw new VigilError('custom_metric.invalid_request', 'metricType must be one of number, number-list, string-list, ip-address-list');
      if (input.displayName !== undefined && input.displayName.length > 128) throw new VigilError('custom_metric.invalid_request', 'displayName is at most 128 characters');
      const now = deps.clock.now();
      const metric: CustomMetric = { name, displayName: input.displayName, metricType: input.metricType as CustomMetricType, tags: input.tags ?? [], createdAt: now, updatedAt: now };
      if (!(await store.createCustomMetric(metric))) throw new VigilError('custom_metric.already_exists', `custom metric ${name} already exists`, { details: { resourceId: name, resourceArn: arn.customMetric(name) } });
      emit('custom_metric', 'create', { name });
      await deps.changed();
      return metric;
    },

    async describeCustomMetric(name: string): Promise<CustomMetric> {
      const metric = await store.getCustomMetric(name);
      if (metric === undefined) throw new VigilError('custom_metric.not_found', `no custom metric named ${name}`);
      return metric;
    },

    async updateCustomMetric(name: string, displayName: string): Promise<CustomMetric> {
      const metric = await this.describeCustomMetric(name);
      const updated = { ...metric, displayName, updatedAt: deps.clock.now() };
      await store.updateCustomMetric(updated);
      emit('custom_metric', 'update', { name });
      return updated;
    },

    async deleteCustomMetric(name: string): Promise<void> {
      const users = (await store.listProfiles()).filter((p) => p.behaviors.some((b) => b.metric === name) || p.additionalMetricsToRetain.includes(name) || p.additionalMetricsToRetainV2.some((m) => m.metric === name));
      if (users.length > 0) throw new VigilError('custom_metric.invalid_request', `custom metric ${name} is used by security profile(s) ${users.map((p) => p.name).join(', ')}`, { hint: 'remove it from those profiles first' });
      if (await store.deleteCustomMetric(name)) {
        emit('custom_metric', 'delete', { name });
        await deps.changed();
      }
    },

    async listCustomMetrics(query: { nextToken?: string | undefined; maxResults?: number | undefined }): Promise<Paged<CustomMetric>> {
      const p = await store.listCustomMetrics({ limit: limitOf(query.maxResults), cursor: query.nextToken });
      return { items: p.items, nextToken: p.next };
    },

    async createDimension(name: string, input: { type?: string | undefined; stringValues?: readonly string[] | undefined; tags?: readonly Tag[] | undefined }): Promise<Dimension> {
      if (!NAME_PATTERN.test(name)) throw new VigilError('dimension.invalid_request', 'name must be 1..128 characters of [a-zA-Z0-9:_-]');
      if (input.type !== 'TOPIC_FILTER') throw new VigilError('dimension.invalid_request', 'type must be TOPIC_FILTER');
      checkValues(input.stringValues);
      const now = deps.clock.now();
      const dimension: Dimension = { name, type: 'TOPIC_FILTER', stringValues: input.stringValues as string[], tags: input.tags ?? [], createdAt: now, updatedAt: now };
      if (!(await store.createDimension(dimension))) throw new VigilError('dimension.already_exists', `dimension ${name} already exists`, { details: { resourceId: name, resourceArn: arn.dimension(name) } });
      emit('dimension', 'create', { name });
      await deps.changed();
      return dimension;
    },

    async describeDimension(name: string): Promise<Dimension> {
      const dimension = await store.getDimension(name);
      if (dimension === undefined) throw new VigilError('dimension.not_found', `no dimension named ${name}`);
      return dimension;
    },

    async updateDimension(name: string, stringValues: readonly string[] | undefined): Promise<Dimension> {
      const dimension = await this.describeDimension(name);
      checkValues(stringValues);
      const updated = { ...dimension, stringValues: stringValues as string[], updatedAt: deps.clock.now() };
      await store.updateDimension(updated);
      emit('dimension', 'update', { name });
      await deps.changed();
      return updated;
    },

    async deleteDimension(name: string): Promise<void> {
      const users = (await store.listProfiles()).filter((p) => p.behaviors.some((b) => b.metricDimension?.dimensionName === name) || p.additionalMetricsToRetainV2.some((m) => m.metricDimension?.dimensionName === name));
      if (users.length > 0) throw new VigilError('dimension.invalid_request', `dimension ${name} is used by security profile(s) ${users.map((p) => p.name).join(', ')}`, { hint: 'remove the behaviors that use it first' });
      if (await store.deleteDimension(name)) {
        emit('dimension', 'delete', { name });
        await deps.changed();
      }
    },

    async listDimensions(query: { nextToken?: string | undefined; maxResults?: number | undefined }): Promise<Paged<Dimension>> {
      const p = await store.listDimensions({ limit: limitOf(query.maxResults), cursor: query.nextToken });
      return { items: p.items, nextToken: p.next };
    },
  };
}

function checkValues(values: readonly string[] | undefined): void {
  if (!Array.isArray(values) || values.length < 1 || values.length > 100 || !values.every((v) => typeof v === 'string' && v.length >= 1 && v.length <= 256)) {
    throw new VigilError('dimension.invalid_request', 'stringValues must hold 1..100 topic filters of 1..256 characters');
  }
}

/** List APIs: `maxResults` 1..250. */
export function limitOf(maxResults: number | undefined): number {
  if (maxResults === undefined) return 250;
  if (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > 250) throw new VigilError('detect.invalid_request', 'maxResults must be in 1..250');
  return maxResults;
}

function page<T>(all: readonly T[], query: { nextToken?: string | undefined; maxResults?: number | undefined }, key: (item: T) => string): Paged<T> {
  const limit = limitOf(query.maxResults);
  const rest = query.nextToken === undefined ? all : all.filter((item) => key(item) > (query.nextToken as string));
  const items = rest.slice(0, limit);
  const last = items[items.length - 1];
  return { items, nextToken: rest.length > limit && last !== undefined ? key(last) : undefined };
}

async function allOf<T>(fetch: (cursor: string | undefined) => Promise<{ items: readonly T[]; next: string | undefined }>): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | undefined;
  for (;;) {
    const p = await fetch(cursor);
    out.push(...p.items);
    if (p.next === undefined) return out;
    cursor = p.next;
  }
}
