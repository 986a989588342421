import type { DeviceSample } from './device-model.js';

/**
 * What a scenario does to the target device's connection, run by the simulator:
 * - `flapping`: disconnects and reconnects several times per reporting interval;
 * - `unauthorized-publish`: also publishes to other things' reserved topics (denied by the device
 *   policy: authorization failures);
 * - `duplicate-client-id`: a second client connects with the same certificate and client id, so the
 *   two keep taking the session from each other;
 * - `shared-certificate`: a second thing (`<target>-twin`, the same certificate attached) stays
 *   connected at the same time as the target.
 */
export type ConnectionBehavior = 'flapping' | 'unauthorized-publish' | 'duplicate-client-id' | 'shared-certificate';

export interface Scenario {
  readonly name: string;
  readonly description: string;
  /** Simulated seconds after the start at which the target changes. */
  readonly onsetSecs: number;
  /** The target's metrics once the scenario began (`sinceOnsetSecs >= 0`). */
  readonly metrics?: (sample: DeviceSample, sinceOnsetSecs: number) => DeviceSample;
  readonly connection?: ConnectionBehavior;
}

const withPort = (ports: readonly number[], port: number): number[] => [...new Set([...ports, port])].sort((a, b) => a - b);

/** Every scenario `vigil simulate --scenario` knows; adding one is adding a row. */
export const SCENARIOS: readonly Scenario[] = [
  { name: 'baseline', description: 'every device behaves as its model says; nothing happens', onsetSecs: 0 },
  {
    name: 'ftp-port-21',
    description: 'the reference demo: one minute in, an FTP server (vsftpd) starts on the target and listens on TCP/21',
    onsetSecs: 60,
    metrics: (sample) => ({ ...sample, tcpPorts: withPort(sample.tcpPorts, 21) }),
  },
  {
    name: 'exfiltration',
    description: 'one minute in, the target sends 40x its usual bytes to a new external address',
    onsetSecs: 60,
    metrics: (sample) => ({
      ...sample,
      bytesOut: sample.bytesOut * 40 + 5_000_000,
      packetsOut: sample.packetsOut * 30 + 4_000,
      connections: [...sample.connections, { remoteAddr: '198.51.100.23:443', localPort: 51_515 }],
    }),
  },
  {
    name: 'credential-stuffing',
    description: 'one minute in, the target starts publishing to other things\' topics (authorization failures) and accepts many inbound SSH connections',
    onsetSecs: 60,
    connection: 'unauthorized-publish',
    metrics: (sample) => ({
      ...sample,
      connections: [...sample.connections, ...Array.from({ length: 12 }, (_, i) => ({ remoteAddr: `192.0.2.${50 + i}:${40_000 + i * 7}`, localPort: 22 }))],
      packetsIn: sample.packetsIn + 2_400,
      bytesIn: sample.bytesIn + 300_000,
    }),
  },
  { name: 'flapping', description: 'the target\'s connection drops and comes back several times per reporting interval', onsetSecs: 60, connection: 'flapping' },
  { name: 'rogue-client-id', description: 'a second client uses the target\'s client id (and certificate): the two keep kicking each other off', onsetSecs: 60, connection: 'duplicate-client-id' },
  { name: 'shared-certificate', description: 'a second thing connects with the target\'s certificate at the same time as the target', onsetSecs: 60, connection: 'shared-certificate' },
];

export function scenario(name: string): Scenario | undefined {
  return SCENARIOS.find((s) => s.name === name);
}

/** The index of the device a scenario targets: the third device (or the last, in smaller fleets). */
export function targetIndex(fleetSize: number): number {
  return Math.max(0, Math.min(2, fleetSize - 1));
}
