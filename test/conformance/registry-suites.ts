import type { RegistryDb } from '../../src/store/index.js';
import { accessKeyConformance } from './access-keys.suite.js';
import { thingConformance } from './things.suite.js';
import { certificateConformance } from './certificates.suite.js';
import { policyConformance } from './policies.suite.js';
import { streamConformance } from './streams.suite.js';
import { siemConformance } from './siem-repositories.suite.js';
import { topicConformance } from './topics.suite.js';
import { topicRuleConformance } from './rules.suite.js';
import { connectionHistoryConformance } from './connection-history.suite.js';
import { dashboardConformance } from './dashboards.suite.js';
import { detectProfileConformance } from './detect-profiles.suite.js';
import { detectViolationConformance } from './detect-violations.suite.js';
import { detectMitigationConformance } from './detect-mitigation.suite.js';
import { detectMlConformance } from './detect-ml.suite.js';
import { auditStoreConformance } from './audit-store.suite.js';
import { savedSearchConformance } from './saved-searches.suite.js';
import { tagConformance } from './tags.suite.js';
import { playbookConformance } from './playbooks.suite.js';

/**
 * Opens a fresh, migrated, empty registry database for one test. Every suite below runs against
 * SQLite always and against PostgreSQL when VIGIL_TEST_POSTGRES_URL is set.
 */
export type OpenRegistry = () => Promise<RegistryDb>;

/** Every repository's conformance suite; a new repository adds its suite file and a row here. */
export const REGISTRY_SUITES: ReadonlyArray<(open: OpenRegistry) => void> = [accessKeyConformance, thingConformance, certificateConformance, policyConformance, streamConformance, siemConformance, topicConformance, topicRuleConformance, connectionHistoryConformance, dashboardConformance, detectProfileConformance, detectViolationConformance, detectMitigationConformance, auditStoreConformance, detectMlConformance, savedSearchConformance, tagConformance, playbookConformance];
