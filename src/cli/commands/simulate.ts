import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { systemClock, systemTimer } from '../../core/index.js';
import { SCENARIOS } from '../../sim/index.js';
import { dataDirLayout } from '../../store/index.js';
import type { CliContext } from '../context.js';
import { clientFor, loadConfigOrThrow, withServerOptions, type ServerOptions } from '../common.js';
import { UsageError } from '../output.js';

interface SimulateOptions extends ServerOptions {
  readonly devices: string;
  readonly scenario: string;
  readonly speed: string;
  readonly endpoint?: string;
  readonly certs?: string;
  readonly seed: string;
  readonly prefix: string;
  readonly policy?: string;
  readonly thingGroup?: string;
  readonly duration?: string;
  readonly sourceAddresses?: string;
}

export function registerSimulate(program: Command, context: CliContext): void {
  withServerOptions(program.command('simulate'))
    .description('run a simulated fleet: N real MQTT-over-TLS devices with their own certificates, reporting Device Defender metrics, one scenario')
    .option('--devices <n>', 'number of devices', '20')
    .option('--scenario <name>', `one of: ${SCENARIOS.map((s) => s.name).join(', ')}`, 'baseline')
    .option('--speed <x>', 'simulated seconds per real second (the broker\'s min_report_interval_secs must allow 300/x)', '1')
    .option('--endpoint <url>', 'MQTT endpoint (default: the running server\'s, from run/endpoints.json)')
    .option('--certs <dir>', 'certificates: reused when present, else issued through the API and written here (default: <data_dir>/sim/certs)')
    .option('--seed <n>', 'fleet seed (same seed, same fleet)', '1')
    .option('--prefix <p>', 'thing name prefix', 'sim')
    .option('--policy <name>', 'policy attached to new certificates (default: the built-in device policy)')
    .option('--thing-group <name>', 'thing group the devices join')
    .option('--source-addresses <n>', 'bind the devices in turn to 127.0.0.1 … 127.0.0.N (a loopback endpoint): the fleet then comes from N addresses, as a real one does, and the per-address connection limits apply as they would (max 254)')
    .option('--duration <secs>', 'stop after this many real seconds (default: until Ctrl-C)')
    .action(async (options: SimulateOptions) => {
      const devices = Number(options.devices);
      const speed = Number(options.speed);
      if (!Number.isInteger(devices) || devices < 1) throw new UsageError('--devices must be a positive integer');
      if (!(speed > 0)) throw new UsageError('--speed must be a positive number');
      const sources = options.sourceAddresses === undefined ? undefined : Number(options.sourceAddresses);
      if (sources !== undefined && !(Number.isInteger(sources) && sources >= 1 && sources <= 254)) throw new UsageError('--source-addresses must be an integer from 1 to 254');
      const loaded = loadConfigOrThrow(options, context);
      const layout = dataDirLayout(loaded.dataDir);
      const endpoint = options.endpoint ?? mqttEndpoint(layout.endpointsPath);
      if (endpoint === undefined) throw new UsageError(`no MQTT endpoint: ${layout.endpointsPath} names none; pass --endpoint mqtts://HOST:PORT`);
      const { io } = context;
      const { startSimulation } = await import('../lazy-simulation.js');
      const simulator = await startSimulation({
        client: clientFor(options, context),
        endpoint,
        devices,
        scenario: options.scenario,
        speed,
        certsDir: options.certs ?? join(layout.root, 'sim', 'certs'),
        seed: Number(options.seed),
        prefix: options.prefix,
        ...(options.policy === undefined ? {} : { policyName: options.policy }),
        ...(options.thingGroup === undefined ? {} : { thingGroup: options.thingGroup }),
        ...(sources === undefined ? {} : { sourceAddresses: Array.from({ length: sources }, (_v, i) => `127.0.0.${i + 1}`) }),
        clock: systemClock,
        timer: systemTimer,
        onProvisionProgress: (done, total) => {
          if (io.isTty) io.err(`\rprovisioning ${done}/${total}`);
        },
      });
      if (io.isTty) io.err('\n');
      io.out(`simulating ${devices} devices (scenario ${options.scenario}, target ${simulator.target}, speed ${speed}x) against ${endpoint}\n`);
      const progress = (): string => {
        const s = simulator.stats();
        return `t+${formatSecs(s.simulatedSecs)} connected ${s.connected}/${s.devices} published ${s.published} accepted ${s.accepted} rejected ${s.rejected}${s.lastRejection === undefined ? '' : ` (last: ${s.lastRejection})`}`;
      };
      const ticker = setInterval(() => (io.isTty ? io.err(`\r${progress()}\u001b[K`) : undefined), 1000);
      const stopAfter = options.duration === undefined ? undefined : Number(options.duration) * 1000;
      await new Promise<void>((resolve) => {
        process.once('SIGINT', () => resolve());
        process.once('SIGTERM', () => resolve());
        if (stopAfter !== undefined) setTimeout(resolve, stopAfter);
      });
      clearInterval(ticker);
      await simulator.stop();
      io.out(`${io.isTty ? '\n' : ''}${progress()}\n`);
    });
}

function mqttEndpoint(path: string): string | undefined {
  if (!existsSync(path)) return undefined;
  const endpoints = JSON.parse(readFileSync(path, 'utf8')) as Record<string, string>;
  return endpoints['mqtt'] ?? endpoints['mqtts'];
}

function formatSecs(secs: number): string {
  const h = Math.floor(secs / 3600);
  const m = Math.floor((secs % 3600) / 60);
  return `${h}h${String(m).padStart(2, '0')}m`;
}
