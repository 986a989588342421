import type { ResourceKind } from './resource-kind.js';
import { policies } from './policies.js';
import { thingGroups } from './thing-groups.js';
import { things } from './things.js';
import { indexes } from './indexes.js';
import { hecTokens } from './hec-tokens.js';
import { streams } from './streams.js';
import { topics } from './topics.js';
import { topicRules } from './topic-rules.js';
import { customMetrics } from './custom-metrics.js';
import { dimensions } from './dimensions.js';
import { mitigationActions } from './mitigation-actions.js';
import { securityProfiles } from './security-profiles.js';
import { auditConfiguration } from './audit-configuration.js';
import { scheduledAudits } from './scheduled-audits.js';
import { caCrls } from './ca-crls.js';
import { playbooks } from './playbooks.js';

/**
 * Every kind `vigil apply` knows, in dependency order: what a resource refers to comes before it
 * (indexes and HEC tokens before the stream whose sink uses them, the stream before the topic that
 * subscribes it and the rule that puts into it, topics before the profiles and the audit
 * configuration that notify them; playbooks last: their steps name groups and topics). Adding a kind is adding a file and a row.
 */
export const RESOURCE_KINDS: readonly ResourceKind[] = [
  policies,
  thingGroups,
  things,
  caCrls,
  indexes,
  hecTokens,
  streams,
  topics,
  topicRules,
  customMetrics,
  dimensions,
  mitigationActions,
  securityProfiles,
  auditConfiguration,
  scheduledAudits,
  playbooks,
];
