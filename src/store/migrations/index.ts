import { foundation } from './001-foundation.js';
import { registry } from './002-registry.js';
import { streamMigration } from './003-stream.js';
import { siemMigration } from './004-siem.js';
import { notifyRulesMigration } from './005-notify-rules.js';
import { ingressMigration } from './006-ingress.js';
import { detectMigration } from './007-detect.js';
import { auditMigration } from './008-audit.js';
import { consoleMigration } from './009-console.js';
import { mlMigration } from './010-ml.js';
import { alertsMigration } from './011-alerts.js';
import { thingTypesMigration } from './012-thing-types.js';
import { tagsMigration } from './013-tags.js';
import { connectionHistoryThingMigration } from './014-connection-history-thing.js';
import { respondMigration } from './015-respond.js';
import type { RegistryMigration } from './types.js';

/** Registry migrations in order. A new one is a new file and a new row; released rows never change. */
export const REGISTRY_MIGRATIONS: readonly RegistryMigration[] = [foundation, registry, streamMigration, siemMigration, notifyRulesMigration, ingressMigration, detectMigration, auditMigration, consoleMigration, mlMigration, alertsMigration, thingTypesMigration, tagsMigration, connectionHistoryThingMigration, respondMigration];

export type { RegistryMigration } from './types.js';
