import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { registerUp } from './up.js';
import { registerConfig } from './config.js';
import { registerAccessKey } from './access-key.js';
import { registerThing } from './thing.js';
import { registerThingGroup } from './thing-group.js';
import { registerCert } from './cert.js';
import { registerPolicy } from './policy.js';
import { registerAgent } from './agent.js';
import { registerTopic } from './topic.js';
import { registerSearch } from './search.js';
import { registerHec } from './hec.js';
import { registerIndex } from './index-cmd.js';
import { registerStream } from './stream.js';
import { registerApply } from './apply.js';
import { registerExport } from './export.js';
import { registerSimulate } from './simulate.js';
import { registerProfile } from './profile.js';
import { registerViolations } from './violations.js';
import { registerMl } from './ml.js';
import { registerAudit } from './audit.js';
import { registerMitigation } from './mitigation.js';
import { registerAlert } from './alert.js';
import { registerLookup } from './lookup.js';

/** Every command group, one file each; adding a group means adding a file and a row here. */
export const COMMAND_GROUPS: ReadonlyArray<(program: Command, context: CliContext) => void> = [registerUp, registerConfig, registerAccessKey, registerAgent, registerTopic, registerThing, registerThingGroup, registerCert, registerPolicy, registerSearch, registerHec, registerIndex, registerStream, registerApply, registerExport, registerSimulate, registerProfile, registerViolations, registerAudit, registerMitigation, registerMl, registerAlert, registerLookup];
