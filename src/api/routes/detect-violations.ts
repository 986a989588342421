import type { FastifyInstance } from 'fastify';
import { unwrap } from '../../core/index.js';
import type { Violation } from '../../model/index.js';
import type { ListedEvent } from '../../detect/index.js';
import type { ApiDeps } from '../deps.js';
import { queryTime } from './detect-support.js';
import { body, bool, compact, int, params, query, seconds, str } from './iot-registry-support.js';

const tags = ['AWS IoT Device Defender: Detect'];

function additional(v: { behavior: Violation['behavior'] }): { confidenceLevel: string } | undefined {
  const confidence = v.behavior.criteria?.mlDetectionConfig?.confidenceLevel;
  return confidence === undefined ? undefined : { confidenceLevel: confidence };
}

/** An active violation as ListActiveViolations answers it (also the console's live `violation` event). */
export function activeViolationJson(v: Violation): Record<string, unknown> {
  return compact({
    violationId: v.violationId,
    thingName: v.thingName,
    securityProfileName: v.profileName,
    behavior: v.behavior,
    lastViolationValue: v.lastValue,
    violationEventAdditionalInfo: additional(v),
    verificationState: v.verificationState ?? 'UNKNOWN',
    verificationStateDescription: v.verificationDescription,
    lastViolationTime: seconds(v.lastTime),
    violationStartTime: seconds(v.startTime),
  });
}

/** ListActiveViolations, ListViolationEvents, PutVerificationStateOnViolation, ListMetricValues (§3.5). */
export function detectViolationRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const { detect } = deps;
  if (detect === undefined) return;
  const filter = (q: Record<string, string | undefined>) => ({
    thingName: q['thingName'],
    securityProfileName: q['securityProfileName'],
    behaviorCriteriaType: q['behaviorCriteriaType'],
    listSuppressedAlerts: bool(q['listSuppressedAlerts'], 'listSuppressedAlerts'),
    verificationState: q['verificationState'],
    nextToken: q['nextToken'],
    maxResults: int(q['maxResults'], 'maxResults'),
  });
  const event = (e: ListedEvent) =>
    compact({
      violationId: e.violationId,
      thingName: e.thingName,
      securityProfileName: e.profileName,
      behavior: e.behavior,
      metricValue: e.metricValue,
      violationEventAdditionalInfo: additional(e),
      violationEventType: e.eventType,
      verificationState: e.verificationState ?? 'UNKNOWN',
      verificationStateDescription: e.verificationDescription,
      violationEventTime: seconds(e.time),
    });

  app.get('/active-violations', { schema: { tags, summary: 'ListActiveViolations' } }, async (request) => {
    const listed = unwrap(await detect.violations.listActive(filter(query(request))));
    return compact({ activeViolations: listed.items.map(activeViolationJson), nextToken: listed.nextToken });
  });

  app.get('/violation-events', { schema: { tags, summary: 'ListViolationEvents' } }, async (request) => {
    const q = query(request);
    const listed = unwrap(await detect.violations.listEvents({ ...filter(q), startTime: queryTime(q['startTime'], 'startTime'), endTime: queryTime(q['endTime'], 'endTime') }));
    return compact({ violationEvents: listed.items.map(event), nextToken: listed.nextToken });
  });

  app.post('/violations/verification-state/:violationId', { schema: { tags, summary: 'PutVerificationStateOnViolation' } }, async (request) => {
    const b = body(request);
    unwrap(await detect.violations.putVerificationState(params(request)['violationId'] as string, str(b, 'verificationState'), str(b, 'verificationStateDescription')));
    return {};
  });

  app.get('/metric-values', { schema: { tags, summary: 'ListMetricValues' } }, async (request) => {
    const q = query(request);
    const listed = unwrap(await detect.violations.listMetricValues({
      thingName: q['thingName'],
      metricName: q['metricName'],
      dimensionName: q['dimensionName'],
      dimensionValueOperator: q['dimensionValueOperator'],
      startTime: queryTime(q['startTime'], 'startTime'),
      endTime: queryTime(q['endTime'], 'endTime'),
      nextToken: q['nextToken'],
      maxResults: int(q['maxResults'], 'maxResults'),
    }));
    return compact({ metricDatumList: listed.items.map((d) => ({ timestamp: seconds(d.time), value: d.value })), nextToken: listed.nextToken });
  });
}
