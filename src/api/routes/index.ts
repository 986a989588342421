import type { FastifyInstance } from 'fastify';
import type { ApiDeps } from '../deps.js';
import { accessKeyRoutes } from './access-keys.js';
import { systemRoutes } from './system.js';
import { topicRoutes } from './topics.js';
import { topicRuleRoutes } from './topic-rules.js';
import { iotThingRoutes } from './iot-registry-things.js';
import { iotCertificateRoutes } from './iot-registry-certificates.js';
import { iotPolicyRoutes } from './iot-registry-policies.js';
import { searchNativeRoutes } from './search-native.js';
import { searchSplunkRoutes } from './search-splunk.js';
import { siemAdminRoutes } from './siem-admin.js';
import { firehoseRoutes } from './firehose.js';
import { streamRoutes } from './streams.js';
import { consoleRoutes } from './console.js';
import { dashboardRoutes } from './dashboards.js';
import { liveEventRoutes } from './live-events.js';
import { detectRoutes } from './detect.js';
import { detectViolationRoutes } from './detect-violations.js';
import { mitigationRoutes } from './mitigation.js';
import { detectMlRoutes } from './detect-ml.js';

import { auditRoutes } from './audit.js';
import { auditScheduleRoutes } from './audit-schedules.js';
import { auditMitigationRoutes } from './audit-mitigation.js';
import { savedSearchRoutes } from './saved-searches.js';
import { lookupRoutes } from './lookups.js';
/** Every route group, one file each; adding a group means adding a file and a row here. */
export const ROUTE_GROUPS: ReadonlyArray<(app: FastifyInstance, deps: ApiDeps) => void> = [systemRoutes, accessKeyRoutes, iotThingRoutes, iotCertificateRoutes, iotPolicyRoutes, topicRoutes, topicRuleRoutes, searchSplunkRoutes, searchNativeRoutes, siemAdminRoutes, firehoseRoutes, streamRoutes, consoleRoutes, dashboardRoutes, liveEventRoutes, detectRoutes, detectViolationRoutes, detectMlRoutes, mitigationRoutes, auditRoutes, auditScheduleRoutes, auditMitigationRoutes, savedSearchRoutes, lookupRoutes];
