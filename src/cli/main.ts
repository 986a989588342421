import { Command, CommanderError } from 'commander';
import { packageVersion } from '../core/index.js';
import { COMMAND_GROUPS, groupName, type CommandGroup } from './commands/index.js';
import type { CliContext } from './context.js';
import { EXIT, formatCliError, processIo, type Io } from './output.js';

export { packageVersion };

/**
 * The group an argument vector invokes (`vigil thing list` → thing, `vigil help thing` → thing), or
 * undefined for `vigil`, `vigil --help`, `vigil --version` and unknown commands. Vigil's own
 * options (-h, -V) take no value, so the first word that is not an option names the command.
 */
export function invokedGroup(args: readonly string[]): CommandGroup | undefined {
  const words = args.filter((a) => !a.startsWith('-'));
  const name = words[0] === 'help' ? words[1] : words[0];
  return name === undefined ? undefined : COMMAND_GROUPS.find((g) => groupName(g) === name);
}

/**
 * Builds the `vigil` program. Only the groups in `load` are loaded and registered in full; every
 * other group is listed from its table row (name, arguments, description), so help and the
 * commands a call does not use cost nothing. Without `load`, every group is loaded.
 */
export async function buildProgram(context: CliContext, load: readonly CommandGroup[] = COMMAND_GROUPS): Promise<Command> {
  const program = new Command('vigil')
    .description('Vigil: self-hosted IoT fleet security monitor (Device Defender-compatible detect and audit, delivery streams, HEC/SPL SIEM)')
    .version(packageVersion(), '-V, --version')
    .showHelpAfterError('(add --help for usage)')
    .configureOutput({ writeOut: (s) => context.io.out(s), writeErr: (s) => context.io.err(s) })
    .exitOverride();
  const registers = await Promise.all(COMMAND_GROUPS.map((group) => (load.includes(group) ? group.load() : undefined)));
  COMMAND_GROUPS.forEach((group, i) => {
    const register = registers[i];
    if (register !== undefined) register(program, context);
    else program.command(group.command).description(group.summary);
  });
  return program;
}

/** Runs the CLI and returns its exit code (the bin sets `process.exitCode` from it). */
export async function run(argv: readonly string[], io: Io = processIo, env: Readonly<Record<string, string | undefined>> = process.env): Promise<number> {
  let exitCode: number = EXIT.ok;
  const context: CliContext = { io, env, setExitCode: (code) => void (exitCode = code) };
  try {
    const group = invokedGroup(argv.slice(2));
    const program = await buildProgram(context, group === undefined ? [] : [group]);
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
