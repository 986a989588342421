import type { Clock, Timer } from '../core/index.js';
import type { Component } from '../model/index.js';
import { SiemEngine, ensureSiemDefaults, type HecServer } from '../siem/index.js';
import { hecTokenRepository, siemIndexRepository, type DataDir, type EventsDb, type RegistryDb } from '../store/index.js';
import type { Telemetry } from '../telemetry/index.js';
import type { VigilConfig } from './config-schema.js';

export interface WiredSiem {
  readonly engine: SiemEngine;
  /** Retention schedule + store close, then the HEC listener (start order). */
  readonly components: readonly Component[];
  readonly hec: HecServer;
}

/** Builds the embedded SIEM; the first start creates index `main` and the default HEC token (secrets/hec-token). */
export async function wireSiem(options: { config: VigilConfig; registry: RegistryDb; events: EventsDb; layout: DataDir; clock: Clock; timer: Timer; telemetry: Telemetry }): Promise<WiredSiem> {
  const { config, telemetry } = options;
  const engine = await SiemEngine.open({
    events: options.events,
    tokens: hecTokenRepository(options.registry),
    indexes: siemIndexRepository(options.registry),
    clock: options.clock,
    timer: options.timer,
    telemetry: telemetry.child('siem'),
    config: config.siem,
  });
  await ensureSiemDefaults(engine, { defaultToken: config.hec.default_token, layout: options.layout, telemetry });
  const hec = engine.hecServer(config.hec);
  return { engine, components: [engine.component(), hec], hec };
}
