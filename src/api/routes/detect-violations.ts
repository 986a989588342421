import type { FastifyInstance } from 'fastify';
import { unwrap } from '../../core/index.js';
import type { Violation } from '../../model/index.js';
import type { ListedEvent } from '../../detect/index.js';
import { detectContract as c, type ActiveViolation, type ViolationEvent as ViolationEventView } from '../contract/index.js';
import type { ApiDeps } from '../deps.js';
import { typed } from '../route-app.js';
import { queryTime } from './detect-support.js';
import { compact, seconds } from './iot-registry-support.js';

const tags = ['AWS IoT Device Defender: Detect'];

function additional(v: { behavior: Violation['behavior'] }): { confidenceLevel: string } | undefined {
  const confidence = v.behavior.criteria?.mlDetectionConfig?.confidenceLevel;
  return confidence === undefined ? undefined : { confidenceLevel: confidence };
}

/** An active violation as ListActiveViolations answers it (also the console's live `violation` event). */
export function activeViolationJson(v: Violation): ActiveViolation {
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

/** A violation event as ListViolationEvents answers it. */
export function violationEventJson(e: ListedEvent): ViolationEventView {
  return compact({
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
}

/** ListActiveViolations, ListViolationEvents, PutVerificationStateOnViolation, ListMetricValues (§3.5). */
export function detectViolationRoutes(fastify: FastifyInstance, deps: Pick<ApiDeps, 'detect'>): void {
  const app = typed(fastify);
  const { detect } = deps;
  app.get('/active-violations', { schema: { tags, summary: 'ListActiveViolations', ...c.listActiveViolations } }, async (request) => {
    const listed = unwrap(await detect.violations.listActive(request.query));
    return compact({ activeViolations: listed.items.map(activeViolationJson), nextToken: listed.nextToken });
  });

  app.get('/violation-events', { schema: { tags, summary: 'ListViolationEvents', ...c.listViolationEvents } }, async (request) => {
    const q = request.query;
    const listed = unwrap(await detect.violations.listEvents({ ...q, startTime: queryTime(q.startTime, 'startTime'), endTime: queryTime(q.endTime, 'endTime') }));
    return compact({ violationEvents: listed.items.map(violationEventJson), nextToken: listed.nextToken });
  });

  app.post('/violations/verification-state/:violationId', { schema: { tags, summary: 'PutVerificationStateOnViolation', ...c.putVerificationState } }, async (request) => {
    const b = request.body;
    unwrap(await detect.violations.putVerificationState(request.params.violationId, b.verificationState, b.verificationStateDescription));
    return {};
  });

  app.get('/metric-values', { schema: { tags, summary: 'ListMetricValues', ...c.listMetricValues } }, async (request) => {
    const q = request.query;
    const listed = unwrap(await detect.violations.listMetricValues({ ...q, startTime: queryTime(q.startTime, 'startTime'), endTime: queryTime(q.endTime, 'endTime') }));
    return compact({ metricDatumList: listed.items.map((d) => ({ timestamp: seconds(d.time), value: d.value })), nextToken: listed.nextToken });
  });
}
