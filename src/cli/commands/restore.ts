import { createReadStream, existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { createGunzip } from 'node:zlib';
import type { Command } from 'commander';
import { VigilError } from '../../core/index.js';
import { restoreBackupArchive } from '../../store/index.js';
import type { CliContext } from '../context.js';
import { loadConfigOrThrow, printJson, withConfigOption } from '../common.js';

/** `vigil restore FILE --data-dir DIR`: a `vigil backup` file into an empty data directory, every file checked. */
export function registerRestore(program: Command, context: CliContext): void {
  withConfigOption(program.command('restore <file>'))
    .description('restore a `vigil backup` file into an empty data directory')
    .option('--data-dir <dir>', 'the directory to fill; it must be empty or missing (default: data_dir of the config)')
    .option('--json', 'print the manifest as JSON')
    .action(async (file: string, options: { config?: string; dataDir?: string; json?: boolean }) => {
      if (!existsSync(file)) throw new VigilError('restore.file_not_found', `${file} does not exist`);
      const dataDir = options.dataDir === undefined ? loadConfigOrThrow(options, context).dataDir : resolve(options.dataDir);
      const manifest = await restoreBackupArchive(createReadStream(file).pipe(createGunzip()), dataDir);
      if (options.json === true) {
        printJson(context, manifest);
        return;
      }
      const lines = [
        `restored ${manifest.files.length} files into ${dataDir} (backup taken ${manifest.createdAt} by Vigil ${manifest.vigilVersion}; every SHA-256 checked)`,
        manifest.registry.included ? '' : 'The registry was PostgreSQL and is not in the file: restore it with pg_restore and keep store.registry pointing at it.',
        `Start it: set data_dir: ${dataDir} in vigil.yaml (or VIGIL_DATA_DIR=${dataDir}) and run \`vigil up\`; newer migrations apply at start.`,
      ];
      context.io.out(`${lines.filter((l) => l !== '').join('\n')}\n`);
    });
}
