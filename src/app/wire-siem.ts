import { randomUUID } from 'node:crypto';
import type { Clock, Timer } from '../core/index.js';
import type { Component, TlsCredentials } from '../model/index.js';
import { SiemEngine, type HecServer } from '../siem/index.js';
import { hecTokenRepository, readOrCreateSecret, siemIndexRepository, type DataDir, type EventsDb, type RegistryDb } from '../store/index.js';
import type { Telemetry } from '../telemetry/index.js';
import type { VigilConfig } from './config-schema.js';

export interface WiredSiem {
  readonly engine: SiemEngine;
  /** Retention schedule + store close, then the HEC listener (start order). */
  readonly components: readonly Component[];
  readonly hec: HecServer;
}

/** Builds the embedded SIEM; the first start creates index `main` and the default HEC token (secrets/hec-token). */
export async function wireSiem(options: { config: VigilConfig; registry: RegistryDb; events: EventsDb; layout: DataDir; clock: Clock; timer: Timer; telemetry: Telemetry; tls?: TlsCredentials }): Promise<WiredSiem> {
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
  await ensureDefaults(engine, config, options.layout, telemetry);
  const hec = engine.hecServer(config.hec, options.tls);
  return { engine, components: [engine.component(), hec], hec };
}

/** Index `main` and, when enabled, the token `default` whose value lives in secrets/hec-token. */
export async function ensureDefaults(engine: SiemEngine, config: VigilConfig, layout: DataDir, telemetry: Telemetry): Promise<void> {
  if (!engine.indexExists('main')) await engine.createIndex('main');
  if (!config.hec.default_token) return;
  const secret = readOrCreateSecret(layout, 'hec-token', () => randomUUID());
  if (secret.created) telemetry.emit('secret_created', { name: 'hec-token' }, { path: secret.path });
  const tokens = await engine.listTokens();
  if (!tokens.some((t) => t.name === 'default')) await engine.createToken({ name: 'default', token: secret.value, index: 'main', description: 'created on first start' });
}
