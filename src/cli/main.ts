import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { COMMAND_GROUPS } from './commands/index.js';
import type { CliContext } from './context.js';
import { EXIT, formatCliError, processIo, type Io } from './output.js';

export function packageVersion(): string {
  const text = readFileSync(new URL('../../package.json', import.meta.url), 'utf8');
  return (JSON.parse(text) as { version: string }).version;
}

/** Builds the `vigil` program; exported so tests can drive it in-process. */
export function buildProgram(context: CliContext): Command {
  const program = new Command('vigil')
    .description('Vigil: self-hosted IoT fleet security monitor (Device Defender-compatible detect and audit, delivery streams, HEC/SPL SIEM)')
    .version(packageVersion(), '-V, --version')
    .showHelpAfterError('(add --help for usage)')
    .configureOutput({ writeOut: (s) => context.io.out(s), writeErr: (s) => context.io.err(s) })
    .exitOverride();
  for (const register of COMMAND_GROUPS) register(program, context);
  return program;
}

/** Runs the CLI and returns its exit code (the bin sets `process.exitCode` from it). */
export async function run(argv: readonly string[], io: Io = processIo, env: Readonly<Record<string, string | undefined>> = process.env): Promise<number> {
  let exitCode: number = EXIT.ok;
  const context: CliContext = { io, env, setExitCode: (code) => void (exitCode = code) };
  const program = buildProgram(context);
  try {
    await program.parseAsync([...argv]);
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') return EXIT.ok;
      return EXIT.usage;
    }
    return formatCliError(error, io);
  }
}

export async function main(argv: readonly string[]): Promise<void> {
  process.exitCode = await run(argv);
}
