import { VigilError, err, ok, pages, present, type Clock, type Result } from '../core/index.js';
import type { AlertTarget, Behavior, CustomMetric, CustomMetricType, Dimension, MetricToRetain, MetricsExportConfig, ProfileStore, SecurityProfile, Tag, ThingDirectory } from '../model/index.js';
import type { Telemetry } from '../telemetry/index.js';
import { IOT_NAME, parseProfileTarget, type Arns } from '../protocol/index.js';
import { validateBehaviors, validateRetained, type ValidationContext } from './validation.js';

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
  readonly arns: Arns;
  /** Called after every change that alters evaluation (the engine reloads). */
  readonly changed: () => Promise<void>;
}

export type ProfilesService = ReturnType<typeof profilesService>;

/** Security profiles, targets, custom metrics and dimensions: the control-plane operations of §3 and §2.3. */
export function profilesService(deps: ProfilesDeps) {
  const { store } = deps;
  const emit = (resource: string, action: string, fields: Record<string, unknown>) => deps.telemetry.emit('detect_profile_changed', { resource, action }, fields);
  const arn = {
    profile: (name: string) => deps.arns.securityProfile(name),
    customMetric: (name: string) => deps.arns.customMetric(name),
    dimension: (name: string) => deps.arns.dimension(name),
  };

  async function context(): Promise<ValidationContext> {
    const metrics = await pages((cursor) => store.listCustomMetrics({ limit: 250, cursor }));
    const dimensions = await pages((cursor) => store.listDimensions({ limit: 250, cursor }));
    return { customMetrics: new Map(metrics.map((m) => [m.name, m.metricType] as const)), dimensions: new Set(dimensions.map((d) => d.name)) };
  }

  async function requireProfile(name: string): Promise<Result<SecurityProfile>> {
    return present(await store.getProfile(name), () => new VigilError('security_profile.not_found', `no security profile named ${name}`));
  }

  async function check(profile: Omit<SecurityProfile, 'version' | 'createdAt' | 'updatedAt'>): Promise<Result<void>> {
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
    if (errors.length > 0) return err(new VigilError('security_profile.invalid_request', errors.join('; '), { details: { validationErrors: errors } }));
    return ok(undefined);
  }

  async function describeCustomMetric(name: string): Promise<Result<CustomMetric>> {
    return present(await store.getCustomMetric(name), () => new VigilError('custom_metric.not_found', `no custom metric named ${name}`));
  }

  async function describeDimension(name: string): Promise<Result<Dimension>> {
    return present(await store.getDimension(name), () => new VigilError('dimension.not_found', `no dimension named ${name}`));
  }

  return {
    arn,

    async createProfile(name: string, input: ProfileInput): Promise<Result<SecurityProfile>> {
      if (!IOT_NAME.pattern.test(name)) return err(new VigilError('security_profile.invalid_request', `securityProfileName must be ${IOT_NAME.rule}`));
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
      const checked = await check(profile);
      if (!checked.ok) return checked;
      if (!(await store.createProfile(profile))) return err(new VigilError('security_profile.already_exists', `security profile ${name} already exists`, { details: { resourceId: name, resourceArn: arn.profile(name) } }));
      emit('security_profile', 'create', { name });
      await deps.changed();
      return ok(profile);
    },

    describeProfile: requireProfile,

    async updateProfile(name: string, input: ProfileUpdate): Promise<Result<SecurityProfile>> {
      const found = await requireProfile(name);
      if (!found.ok) return found;
      const current = found.value;
      if (input.expectedVersion !== undefined && input.expectedVersion !== current.version) return err(new VigilError('security_profile.version_conflict', `security profile ${name} is at version ${current.version}, not ${input.expectedVersion}`));
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
      if (input.deleteBehaviors === true && input.behaviors !== undefined && input.behaviors.length > 0) return err(new VigilError('security_profile.invalid_request', 'deleteBehaviors and behaviors cannot be used together'));
      const checked = await check(updated);
      if (!checked.ok) return checked;
      if (!(await store.updateProfile(updated))) return err(new VigilError('security_profile.version_conflict', `security profile ${name} changed concurrently; retry`));
      emit('security_profile', 'update', { name, version: updated.version });
      await deps.changed();
      return ok(updated);
    },

    async deleteProfile(name: string, expectedVersion?: number): Promise<Result<void>> {
      const current = await store.getProfile(name);
      if (current === undefined) return ok(undefined);
      if (expectedVersion !== undefined && expectedVersion !== current.version) return err(new VigilError('security_profile.version_conflict', `security profile ${name} is at version ${current.version}, not ${expectedVersion}`));
      await store.deleteProfile(name);
      emit('security_profile', 'delete', { name });
      await deps.changed();
      return ok(undefined);
    },

    async listProfiles(query: { dimensionName?: string | undefined; metricName?: string | undefined; nextToken?: string | undefined; maxResults?: number | undefined }): Promise<Result<Paged<SecurityProfile>>> {
      if (query.dimensionName !== undefined && query.metricName !== undefined) return err(new VigilError('security_profile.invalid_request', 'dimensionName and metricName cannot be used together'));
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

    async attach(name: string, targetArn: string): Promise<Result<void>> {
      const found = await requireProfile(name);
      if (!found.ok) return found;
      const target = parseProfileTarget(targetArn);
      if (target === undefined) return err(new VigilError('security_profile.invalid_request', `${targetArn} is not a security profile target (all/things, all/registered-things, all/unregistered-things or thinggroup/<name> ARN)`));
      if (target.group !== undefined && !(await deps.directory.groupExists(target.group))) return err(new VigilError('thing_group.not_found', `no thing group named ${target.group}`));
      const targets = await store.listTargets();
      if (targets.some((t) => t.profileName === name && t.targetArn === targetArn)) return ok(undefined);
      if (targets.filter((t) => t.targetArn === targetArn).length >= MAX_PROFILES_PER_TARGET) return err(new VigilError('security_profile.limit_exceeded', `target ${targetArn} already has ${MAX_PROFILES_PER_TARGET} security profiles (the limit)`));
      await store.attachTarget(name, targetArn, deps.clock.now());
      emit('security_profile_target', 'attach', { name, targetArn });
      await deps.changed();
      return ok(undefined);
    },

    async detach(name: string, targetArn: string): Promise<Result<void>> {
      const found = await requireProfile(name);
      if (!found.ok) return found;
      if (await store.detachTarget(name, targetArn)) {
        emit('security_profile_target', 'detach', { name, targetArn });
        await deps.changed();
      }
      return ok(undefined);
    },

    async listTargets(name: string, query: { nextToken?: string | undefined; maxResults?: number | undefined }): Promise<Result<Paged<string>>> {
      const found = await requireProfile(name);
      if (!found.ok) return found;
      const targets = (await store.listTargets()).filter((t) => t.profileName === name).map((t) => t.targetArn);
      return page(targets, query, (t) => t);
    },

    async listProfilesForTarget(targetArn: string, query: { recursive?: boolean | undefined; nextToken?: string | undefined; maxResults?: number | undefined }): Promise<Result<Paged<{ profileName: string; targetArn: string }>>> {
      const target = parseProfileTarget(targetArn);
      if (target === undefined) return err(new VigilError('security_profile.invalid_request', `${targetArn} is not a security profile target ARN`));
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

    async createCustomMetric(name: string, input: { metricType?: string | undefined; displayName?: string | undefined; tags?: readonly Tag[] | undefined }): Promise<Result<CustomMetric>> {
      if (!IOT_NAME.pattern.test(name) || name.startsWith('aws:')) return err(new VigilError('custom_metric.invalid_request', `metricName must be ${IOT_NAME.rule} and must not start with aws:`));
      if (!['number', 'number-list', 'string-list', 'ip-address-list'].includes(input.metricType ?? '')) return err(new VigilError('custom_metric.invalid_request', 'metricType must be one of number, number-list, string-list, ip-address-list'));
      if (input.displayName !== undefined && input.displayName.length > 128) return err(new VigilError('custom_metric.invalid_request', 'displayName is at most 128 characters'));
      const now = deps.clock.now();
      const metric: CustomMetric = { name, displayName: input.displayName, metricType: input.metricType as CustomMetricType, tags: input.tags ?? [], createdAt: now, updatedAt: now };
      if (!(await store.createCustomMetric(metric))) return err(new VigilError('custom_metric.already_exists', `custom metric ${name} already exists`, { details: { resourceId: name, resourceArn: arn.customMetric(name) } }));
      emit('custom_metric', 'create', { name });
      await deps.changed();
      return ok(metric);
    },

    describeCustomMetric,

    async updateCustomMetric(name: string, displayName: string): Promise<Result<CustomMetric>> {
      const metric = await describeCustomMetric(name);
      if (!metric.ok) return metric;
      const updated = { ...metric.value, displayName, updatedAt: deps.clock.now() };
      await store.updateCustomMetric(updated);
      emit('custom_metric', 'update', { name });
      return ok(updated);
    },

    async deleteCustomMetric(name: string): Promise<Result<void>> {
      const users = (await store.listProfiles()).filter((p) => p.behaviors.some((b) => b.metric === name) || p.additionalMetricsToRetain.includes(name) || p.additionalMetricsToRetainV2.some((m) => m.metric === name));
      if (users.length > 0) return err(new VigilError('custom_metric.invalid_request', `custom metric ${name} is used by security profile(s) ${users.map((p) => p.name).join(', ')}`, { hint: 'remove it from those profiles first' }));
      if (await store.deleteCustomMetric(name)) {
        emit('custom_metric', 'delete', { name });
        await deps.changed();
      }
      return ok(undefined);
    },

    async listCustomMetrics(query: { nextToken?: string | undefined; maxResults?: number | undefined }): Promise<Result<Paged<CustomMetric>>> {
      const limit = limitOf(query.maxResults);
      if (!limit.ok) return limit;
      const p = await store.listCustomMetrics({ limit: limit.value, cursor: query.nextToken });
      return ok({ items: p.items, nextToken: p.next });
    },

    async createDimension(name: string, input: { type?: string | undefined; stringValues?: readonly string[] | undefined; tags?: readonly Tag[] | undefined }): Promise<Result<Dimension>> {
      if (!IOT_NAME.pattern.test(name)) return err(new VigilError('dimension.invalid_request', `name must be ${IOT_NAME.rule}`));
      if (input.type !== 'TOPIC_FILTER') return err(new VigilError('dimension.invalid_request', 'type must be TOPIC_FILTER'));
      const values = checkValues(input.stringValues);
      if (!values.ok) return values;
      const now = deps.clock.now();
      const dimension: Dimension = { name, type: 'TOPIC_FILTER', stringValues: values.value, tags: input.tags ?? [], createdAt: now, updatedAt: now };
      if (!(await store.createDimension(dimension))) return err(new VigilError('dimension.already_exists', `dimension ${name} already exists`, { details: { resourceId: name, resourceArn: arn.dimension(name) } }));
      emit('dimension', 'create', { name });
      await deps.changed();
      return ok(dimension);
    },

    describeDimension,

    async updateDimension(name: string, stringValues: readonly string[] | undefined): Promise<Result<Dimension>> {
      const dimension = await describeDimension(name);
      if (!dimension.ok) return dimension;
      const values = checkValues(stringValues);
      if (!values.ok) return values;
      const updated = { ...dimension.value, stringValues: values.value, updatedAt: deps.clock.now() };
      await store.updateDimension(updated);
      emit('dimension', 'update', { name });
      await deps.changed();
      return ok(updated);
    },

    async deleteDimension(name: string): Promise<Result<void>> {
      const users = (await store.listProfiles()).filter((p) => p.behaviors.some((b) => b.metricDimension?.dimensionName === name) || p.additionalMetricsToRetainV2.some((m) => m.metricDimension?.dimensionName === name));
      if (users.length > 0) return err(new VigilError('dimension.invalid_request', `dimension ${name} is used by security profile(s) ${users.map((p) => p.name).join(', ')}`, { hint: 'remove the behaviors that use it first' }));
      if (await store.deleteDimension(name)) {
        emit('dimension', 'delete', { name });
        await deps.changed();
      }
      return ok(undefined);
    },

    async listDimensions(query: { nextToken?: string | undefined; maxResults?: number | undefined }): Promise<Result<Paged<Dimension>>> {
      const limit = limitOf(query.maxResults);
      if (!limit.ok) return limit;
      const p = await store.listDimensions({ limit: limit.value, cursor: query.nextToken });
      return ok({ items: p.items, nextToken: p.next });
    },
  };
}

function checkValues(values: readonly string[] | undefined): Result<string[]> {
  if (!Array.isArray(values) || values.length < 1 || values.length > 100 || !values.every((v) => typeof v === 'string' && v.length >= 1 && v.length <= 256)) {
    return err(new VigilError('dimension.invalid_request', 'stringValues must hold 1..100 topic filters of 1..256 characters'));
  }
  return ok(values as string[]);
}

/** List APIs: `maxResults` 1..250. */
export function limitOf(maxResults: number | undefined): Result<number> {
  if (maxResults === undefined) return ok(250);
  if (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > 250) return err(new VigilError('detect.invalid_request', 'maxResults must be in 1..250'));
  return ok(maxResults);
}

function page<T>(all: readonly T[], query: { nextToken?: string | undefined; maxResults?: number | undefined }, key: (item: T) => string): Result<Paged<T>> {
  const limit = limitOf(query.maxResults);
  if (!limit.ok) return limit;
  const rest = query.nextToken === undefined ? all : all.filter((item) => key(item) > (query.nextToken as string));
  const items = rest.slice(0, limit.value);
  const last = items[items.length - 1];
  return ok({ items, nextToken: rest.length > limit.value && last !== undefined ? key(last) : undefined });
}
