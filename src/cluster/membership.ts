import type { Clock, Timer, TimerHandle } from '../core/index.js';
import type { Telemetry } from '../telemetry/index.js';
import type { ClusterBus } from './bus.js';

/** What a node says about itself every heartbeat. */
export interface NodeAnnouncement {
  readonly nodeId: string;
  readonly version: string;
  readonly startedAt: number;
  readonly roles: readonly string[];
  readonly endpoints: Readonly<Record<string, string>>;
  /** Devices connected to this node's broker. */
  readonly connections: number;
  readonly natsConnected: boolean;
}

export interface ClusterNode extends NodeAnnouncement {
  readonly self: boolean;
  readonly lastSeen: number;
  readonly state: 'up' | 'gone';
}

/** Heartbeats on NATS: every node announces itself and keeps the table of the others. */
export interface Membership {
  nodes(): ClusterNode[];
  stop(): void;
}

export function startMembership(options: {
  readonly bus: ClusterBus;
  readonly subject: string;
  readonly self: () => NodeAnnouncement;
  readonly heartbeatMs: number;
  readonly timeoutMs: number;
  readonly clock: Clock;
  readonly timer: Timer;
  readonly telemetry: Telemetry;
}): Membership {
  const { bus, clock, telemetry } = options;
  const peers = new Map<string, { announcement: NodeAnnouncement; lastSeen: number; gone: boolean }>();
  const selfId = options.self().nodeId;

  const unsubscribe = bus.subscribe(options.subject, (body) => {
    const announcement = body as NodeAnnouncement;
    if (typeof announcement?.nodeId !== 'string' || announcement.nodeId === selfId) return;
    const known = peers.get(announcement.nodeId);
    if (known === undefined || known.gone) telemetry.emit('cluster_node', { state: 'joined' }, { node: announcement.nodeId });
    peers.set(announcement.nodeId, { announcement, lastSeen: clock.now(), gone: false });
  });

  function beat(): void {
    bus.publish(options.subject, options.self());
    const now = clock.now();
    let up = 1;
    for (const [nodeId, peer] of peers) {
      const gone = now - peer.lastSeen > options.timeoutMs;
      if (gone && !peer.gone) telemetry.emit('cluster_node', { state: 'gone' }, { node: nodeId, lastSeen: new Date(peer.lastSeen).toISOString() });
      peer.gone = gone;
      if (!gone) up++;
    }
    telemetry.setGauge('cluster_nodes', {}, up);
  }

  beat();
  const handle: TimerHandle = options.timer.setInterval(beat, options.heartbeatMs);
  return {
    nodes() {
      const now = clock.now();
      const self: ClusterNode = { ...options.self(), self: true, lastSeen: now, state: 'up' };
      const others = [...peers.values()].map(({ announcement, lastSeen, gone }): ClusterNode => ({ ...announcement, self: false, lastSeen, state: gone ? 'gone' : 'up' }));
      return [self, ...others].sort((a, b) => a.nodeId.localeCompare(b.nodeId));
    },
    stop() {
      handle.cancel();
      unsubscribe();
    },
  };
}
