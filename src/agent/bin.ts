/**
 * Entry point of the bundled device agent (`dist/agent/vigil-agent.mjs`, built by
 * scripts/build-agent.ts): runs with plain `node` on a device with nothing installed.
 */
import { Command, CommanderError } from 'commander';
import { isVigilError } from '../core/index.js';
import { addAgentOptions, agentOptionsFrom } from './options.js';
import { runAgent } from './run-agent.js';

async function main(argv: readonly string[]): Promise<number> {
  const program = addAgentOptions(new Command('vigil-agent').description('Vigil device agent: Device Defender metrics over MQTT/TLS')).exitOverride();
  try {
    program.parse([...argv]);
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    throw error;
  }
  const options = agentOptionsFrom(program.opts());
  if (!options.ok) {
    process.stderr.write(`vigil-agent: ${options.error.message}\n${options.error.hint === undefined ? '' : `hint: ${options.error.hint}\n`}`);
    return 2;
  }
  const controller = new AbortController();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => controller.abort());
  try {
    return await runAgent(options.value, { signal: controller.signal });
  } catch (error) {
    if (!isVigilError(error)) throw error;
    process.stderr.write(`vigil-agent: ${error.message}\n`);
    return 1;
  }
}

main(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`vigil-agent: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 70;
  },
);
