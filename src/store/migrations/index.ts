import { foundation } from './001-foundation.js';
import type { RegistryMigration } from './types.js';

/** Registry migrations in order. A new one is a new file and a new row; released rows never change. */
export const REGISTRY_MIGRATIONS: readonly RegistryMigration[] = [foundation];

export type { RegistryMigration } from './types.js';
