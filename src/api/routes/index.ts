import type { FastifyInstance } from 'fastify';
import type { ApiDeps } from '../deps.js';
import { accessKeyRoutes } from './access-keys.js';
import { systemRoutes } from './system.js';

/** Every route group, one file each; adding a group means adding a file and a row here. */
export const ROUTE_GROUPS: ReadonlyArray<(app: FastifyInstance, deps: ApiDeps) => void> = [systemRoutes, accessKeyRoutes];
