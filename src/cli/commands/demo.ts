import type { Command } from 'commander';
import type { CliContext } from '../context.js';

export function registerDemo(program: Command, _context: CliContext): void {
  program.command('demo').description('the running demo (`vigil up --demo`): console link and reference searches');
}
