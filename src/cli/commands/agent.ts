import { Command } from 'commander';
import { addAgentOptions, agentOptionsFrom } from '../../agent/index.js';
import type { CliContext } from '../context.js';
import { UsageError } from '../output.js';

/** `vigil agent`: the device agent, the same as the bundled `vigil-agent.mjs`. */
export function registerAgent(program: Command, context: CliContext): void {
  addAgentOptions(program.command('agent').description('run the Vigil device agent: collect Device Defender metrics and publish them over MQTT/TLS')).action(
    async (raw: Record<string, unknown>) => {
      const options = agentOptionsFrom(raw);
      if (!options.ok) throw new UsageError(options.error.hint === undefined ? options.error.message : `${options.error.message} (${options.error.hint})`);
      const { runAgent } = await import('../lazy-agent.js');
      const controller = new AbortController();
      const abort = (): void => controller.abort();
      process.once('SIGINT', abort);
      process.once('SIGTERM', abort);
      try {
        context.setExitCode(await runAgent(options.value, { signal: controller.signal, out: (text) => context.io.out(text) }));
      } finally {
        process.off('SIGINT', abort);
        process.off('SIGTERM', abort);
      }
    },
  );
}
