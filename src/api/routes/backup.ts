import { createGzip } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import { VigilError } from '../../core/index.js';
import { systemContract as c } from '../contract/index.js';
import type { ApiDeps } from '../deps.js';

/**
 * `POST /api/v1/backup`: the running server writes a consistent snapshot (registry, outbox, event
 * store, secrets, CA) as a gzip-compressed tar stream. The archive holds secrets, so the route takes
 * the admin token only (no console session, no SigV4 key); `vigil backup` calls it.
 */
export function backupRoutes(app: FastifyInstance, deps: Pick<ApiDeps, 'backup' | 'telemetry' | 'clock'>): void {
  app.post('/api/v1/backup', { schema: { tags: ['operations'], summary: 'Write an online backup (tar.gz; holds secrets)', ...c.backup } }, async (request, reply) => {
    const backup = deps.backup;
    if (backup === undefined) throw new VigilError('backup.unavailable', 'this process cannot write backups');
    if (request.principal?.kind !== 'token' || request.principal.name !== 'admin') {
      throw new VigilError('auth.forbidden', 'a backup holds every secret: it needs the admin token', { hint: 'call it with Authorization: Bearer <data_dir>/secrets/admin-token (`vigil backup`)' });
    }
    const gzip = createGzip({ level: 6 });
    backup.write(gzip).then(
      (manifest) => {
        deps.telemetry.emit('backup_written', { registry: manifest.registry.included ? 'included' : 'external' }, { files: manifest.files.length, bytes: manifest.files.reduce((sum, f) => sum + f.bytes, 0) });
        gzip.end();
      },
      (error: unknown) => {
        deps.telemetry.emit('component_error', { component: 'api', code: error instanceof VigilError ? error.code : 'backup.failed', stage: 'backup' }, { err: error });
        // The client sees the archive cut short (no end marker, no manifest): `vigil backup` reports it as failed.
        gzip.destroy(error instanceof Error ? error : new Error(String(error)));
      },
    );
    const stamp = new Date(deps.clock.now()).toISOString().replace(/[:.]/g, '-');
    return reply.header('content-type', 'application/gzip').header('content-disposition', `attachment; filename="vigil-backup-${stamp}.tar.gz"`).header('cache-control', 'no-store').send(gzip);
  });
}
