import { VigilError, err, ok, type Result } from '../core/index.js';
import type { BehaviorCriteriaType, MetricDatum, MetricHistory, VerificationState, Violation, ViolationEvent, ViolationQuery, ViolationStore } from '../model/index.js';
import { limitOf, type Paged } from './profiles.js';

const STATES: readonly VerificationState[] = ['FALSE_POSITIVE', 'BENIGN_POSITIVE', 'TRUE_POSITIVE', 'UNKNOWN'];
const CRITERIA: readonly BehaviorCriteriaType[] = ['STATIC', 'STATISTICAL', 'MACHINE_LEARNING'];

export interface ViolationFilter {
  readonly thingName?: string | undefined;
  readonly securityProfileName?: string | undefined;
  readonly behaviorCriteriaType?: string | undefined;
  readonly listSuppressedAlerts?: boolean | undefined;
  readonly verificationState?: string | undefined;
  readonly nextToken?: string | undefined;
  readonly maxResults?: number | undefined;
}

export type ListedEvent = ViolationEvent & { readonly verificationState: VerificationState | undefined; readonly verificationDescription: string | undefined };

export type ViolationsService = ReturnType<typeof violationsService>;

/** ListActiveViolations, ListViolationEvents, PutVerificationStateOnViolation and ListMetricValues. */
export function violationsService(deps: { store: ViolationStore; history: MetricHistory | undefined; flush: () => Promise<void> }) {
  const query = (filter: ViolationFilter): Result<ViolationQuery> => {
    if (filter.behaviorCriteriaType !== undefined && !CRITERIA.includes(filter.behaviorCriteriaType as BehaviorCriteriaType)) return err(new VigilError('violation.invalid_request', `behaviorCriteriaType must be one of ${CRITERIA.join(', ')}`));
    if (filter.verificationState !== undefined && !STATES.includes(filter.verificationState as VerificationState)) return err(new VigilError('violation.invalid_request', `verificationState must be one of ${STATES.join(', ')}`));
    const limit = limitOf(filter.maxResults);
    if (!limit.ok) return limit;
    return ok({
      limit: limit.value,
      cursor: filter.nextToken,
      thingName: filter.thingName,
      profileName: filter.securityProfileName,
      criteriaType: filter.behaviorCriteriaType as BehaviorCriteriaType | undefined,
      suppressed: filter.listSuppressedAlerts,
      verificationState: filter.verificationState as VerificationState | undefined,
    });
  };
  return {
    async listActive(filter: ViolationFilter): Promise<Result<Paged<Violation>>> {
      const q = query(filter);
      if (!q.ok) return q;
      await deps.flush();
      const page = await deps.store.listActive(q.value);
      return ok({ items: page.items, nextToken: page.next });
    },

    async listEvents(filter: ViolationFilter & { startTime: number | undefined; endTime: number | undefined }): Promise<Result<Paged<ListedEvent>>> {
      if (filter.startTime === undefined || filter.endTime === undefined) return err(new VigilError('violation.invalid_request', 'startTime and endTime are required'));
      const q = query(filter);
      if (!q.ok) return q;
      await deps.flush();
      const page = await deps.store.listEvents({ ...q.value, from: filter.startTime, to: filter.endTime });
      return ok({ items: page.items, nextToken: page.next });
    },

    async putVerificationState(violationId: string, state: string | undefined, description: string | undefined): Promise<Result<void>> {
      if (state === undefined || !STATES.includes(state as VerificationState)) return err(new VigilError('violation.invalid_request', `verificationState must be one of ${STATES.join(', ')}`));
      // eslint-disable-next-line no-control-regex
      if (description !== undefined && (description.length > 1000 || /[\u0000-\u001f\u007f]/.test(description))) return err(new VigilError('violation.invalid_request', 'verificationStateDescription is at most 1000 characters without control characters'));
      await deps.flush();
      if (!(await deps.store.setVerification(violationId, state as VerificationState, description))) return err(new VigilError('violation.not_found', `no violation with id ${violationId}`));
      return ok(undefined);
    },

    async listMetricValues(q: { thingName?: string | undefined; metricName?: string | undefined; dimensionName?: string | undefined; dimensionValueOperator?: string | undefined; startTime?: number | undefined; endTime?: number | undefined; nextToken?: string | undefined; maxResults?: number | undefined }): Promise<Result<Paged<MetricDatum>>> {
      if (q.thingName === undefined || q.metricName === undefined || q.startTime === undefined || q.endTime === undefined) return err(new VigilError('metric_values.invalid_request', 'thingName, metricName, startTime and endTime are required'));
      if (q.dimensionValueOperator !== undefined && q.dimensionValueOperator !== 'IN' && q.dimensionValueOperator !== 'NOT_IN') return err(new VigilError('metric_values.invalid_request', 'dimensionValueOperator must be IN or NOT_IN'));
      if (deps.history === undefined) return ok({ items: [], nextToken: undefined });
      const limit = limitOf(q.maxResults);
      if (!limit.ok) return limit;
      await deps.flush();
      const page = await deps.history.query({ limit: limit.value, cursor: q.nextToken, thingName: q.thingName, metric: q.metricName, dimensionName: q.dimensionName, dimensionOperator: q.dimensionValueOperator as 'IN' | 'NOT_IN' | undefined, from: q.startTime, to: q.endTime });
      return ok({ items: page.items, nextToken: page.next });
    },
  };
}
