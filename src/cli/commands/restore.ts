import type { Command } from 'commander';
import type { CliContext } from '../context.js';

export function registerRestore(program: Command, _context: CliContext): void {
  program.command('restore <file>').description('restore a `vigil backup` file into an empty data directory');
}
