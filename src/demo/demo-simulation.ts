import type { VigilClient } from '../api/index.js';
import { VigilError, type Clock, type Timer } from '../core/index.js';
import { SCENARIOS, Simulator, buildFleet, scenario as findScenario, targetIndex } from '../sim/index.js';
import type { Telemetry } from '../telemetry/index.js';
import { provisionFleet } from './demo-fleet.js';

export interface SimulationOptions {
  readonly client: VigilClient;
  /** `mqtts://host:port` of the broker. */
  readonly endpoint: string;
  readonly devices: number;
  readonly scenario: string;
  readonly speed: number;
  readonly certsDir: string;
  readonly seed?: number;
  readonly prefix?: string;
  readonly policyName?: string;
  readonly thingGroup?: string;
  readonly clock: Clock;
  readonly timer: Timer;
  readonly telemetry?: Telemetry;
  readonly onProvisionProgress?: (done: number, total: number) => void;
  /** Also run one misconfigured device (the fleet's last, never the target) that causes authorization failures. */
  readonly misconfiguredDevice?: boolean;
  /** Local addresses the devices bind to in turn (see `SimulatorOptions.sourceAddresses`). */
  readonly sourceAddresses?: readonly string[];
}

/** Provisions the fleet through the API and starts the simulator (resolves once devices are connected). */
export async function startSimulation(options: SimulationOptions): Promise<Simulator> {
  const chosen = findScenario(options.scenario);
  if (chosen === undefined) throw new VigilError('sim.invalid_scenario', `unknown scenario "${options.scenario}"`, { hint: `use one of: ${SCENARIOS.map((s) => s.name).join(', ')}` });
  if (!Number.isInteger(options.devices) || options.devices < 1) throw new VigilError('sim.invalid_devices', '--devices must be a positive integer');
  if (!(options.speed > 0)) throw new VigilError('sim.invalid_speed', '--speed must be a positive number');
  const fleet = buildFleet({ count: options.devices, seed: options.seed ?? 1, prefix: options.prefix ?? 'sim' });
  const target = fleet[targetIndex(fleet.length)]?.thingName as string;
  const twin = chosen.connection === 'shared-certificate' ? `${target}-twin` : undefined;
  // The Simulator ignores it when it is the target (a fleet of one).
  const misconfigured = options.misconfiguredDevice === true ? fleet[fleet.length - 1]?.thingName : undefined;
  const provisioned = await provisionFleet(options.client, fleet, {
    certsDir: options.certsDir,
    ...(options.policyName === undefined ? {} : { policyName: options.policyName }),
    ...(options.thingGroup === undefined ? {} : { thingGroup: options.thingGroup }),
    ...(twin === undefined ? {} : { twin: { thingName: twin, of: target } }),
    ...(options.onProvisionProgress === undefined ? {} : { onProgress: options.onProvisionProgress }),
  });
  const simulator = new Simulator({
    endpoint: options.endpoint,
    caPem: provisioned.caPem,
    fleet,
    identities: provisioned.identities,
    scenario: chosen,
    target,
    ...(twin === undefined ? {} : { twin }),
    ...(misconfigured === undefined ? {} : { misconfigured }),
    speed: options.speed,
    ...(options.sourceAddresses === undefined ? {} : { sourceAddresses: options.sourceAddresses }),
    clock: options.clock,
    timer: options.timer,
    ...(options.telemetry === undefined ? {} : { telemetry: options.telemetry }),
  });
  await simulator.start();
  return simulator;
}
