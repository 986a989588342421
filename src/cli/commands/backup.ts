import type { Command } from 'commander';
import type { CliContext } from '../context.js';

export function registerBackup(program: Command, _context: CliContext): void {
  program.command('backup').description('write a consistent snapshot of a running Vigil (registry, outbox, events, secrets, CA) to a file');
}
