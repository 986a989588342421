import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { registerUp } from './up.js';
import { registerConfig } from './config.js';
import { registerAccessKey } from './access-key.js';

/** Every command group, one file each; adding a group means adding a file and a row here. */
export const COMMAND_GROUPS: ReadonlyArray<(program: Command, context: CliContext) => void> = [registerUp, registerConfig, registerAccessKey];
