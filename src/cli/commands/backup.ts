import { createReadStream, existsSync, rmSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { createGunzip } from 'node:zlib';
import type { Command } from 'commander';
import { VigilError, formatBytes } from '../../core/index.js';
import type { BackupManifest } from '../../model/index.js';
import { verifyBackupArchive } from '../../store/index.js';
import type { CliContext } from '../context.js';
import { clientFor, printJson, withServerOptions, type ServerOptions } from '../common.js';

/** `vigil backup --out FILE`: the running server writes a consistent snapshot; the file is checked before it is kept. */
export function registerBackup(program: Command, context: CliContext): void {
  withServerOptions(program.command('backup'))
    .description('write a consistent snapshot of a running Vigil (registry, outbox, events, secrets, CA) to a file')
    .requiredOption('-o, --out <file>', 'where to write the backup (tar.gz, mode 0600: it holds the CA key and every token)')
    .option('--force', 'replace the file if it exists')
    .option('--json', 'print the manifest as JSON')
    .action(async (options: ServerOptions & { out: string; force?: boolean; json?: boolean }) => {
      const out = resolve(options.out);
      if (existsSync(out) && options.force !== true) throw new VigilError('backup.file_exists', `${out} exists`, { hint: 'choose another file, or pass --force to replace it' });
      const client = clientFor(options, context);
      await client.downloadToFile('POST', '/api/v1/backup', out);
      let manifest: BackupManifest;
      try {
        manifest = await verifyBackupArchive(createReadStream(out).pipe(createGunzip()));
      } catch (error) {
        rmSync(out, { force: true });
        throw error instanceof VigilError ? new VigilError(error.code, `the backup did not verify and was deleted: ${error.message}`, error.hint === undefined ? {} : { hint: error.hint }) : error;
      }
      if (options.json === true) {
        printJson(context, manifest);
        return;
      }
      const size = statSync(out).size;
      const total = manifest.files.reduce((sum, f) => sum + f.bytes, 0);
      const lines = [
        `wrote ${out} (${formatBytes(size)} compressed, ${formatBytes(total)} of data, mode 0600)`,
        `  taken       ${manifest.createdAt} by Vigil ${manifest.vigilVersion}`,
        `  registry    ${manifest.registry.included ? `SQLite copy (${manifest.registry.migrations.length} migrations)` : 'PostgreSQL: NOT in this file; back it up with pg_dump (docs/operations.md)'}`,
        `  events      DuckDB copy (${manifest.events.migrations.length} migrations), outbox copy`,
        `  files       ${manifest.files.length}, each with its SHA-256 in manifest.json (checked just now)`,
        'It holds secrets (the CA private key, the admin, HEC and metrics tokens): keep it private.',
        `Restore: vigil restore ${options.out} --data-dir DIR`,
      ];
      context.io.out(`${lines.join('\n')}\n`);
    });
}
