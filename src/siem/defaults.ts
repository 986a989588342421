import { randomUUID } from 'node:crypto';
import { readOrCreateSecret, type DataDir } from '../store/index.js';
import type { Telemetry } from '../telemetry/index.js';
import type { SiemEngine } from './siem-engine.js';

/** First start: index `main` and, when `defaultToken`, the token `default` whose value lives in secrets/hec-token. */
export async function ensureSiemDefaults(engine: SiemEngine, options: { defaultToken: boolean; layout: DataDir; telemetry: Telemetry }): Promise<void> {
  if (!engine.indexExists('main')) await engine.createIndex('main');
  if (!options.defaultToken) return;
  const secret = readOrCreateSecret(options.layout, 'hec-token', () => randomUUID());
  if (secret.created) options.telemetry.emit('secret_created', { name: 'hec-token' }, { path: secret.path });
  const tokens = await engine.listTokens();
  if (!tokens.some((t) => t.name === 'default')) await engine.createToken({ name: 'default', token: secret.value, index: 'main', description: 'created on first start' });
}
