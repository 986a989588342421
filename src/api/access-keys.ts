import { randomBytes } from 'node:crypto';
import type { Clock } from '../core/index.js';
import type { AccessKey, AccessKeyStore } from '../model/index.js';
import type { Telemetry } from '../telemetry/index.js';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** A new key pair in AWS's shapes: `AKIA` + 16 base32 characters, and a 40-character secret. */
export function generateAccessKey(now: number, description: string): AccessKey {
  const idBytes = randomBytes(16);
  let id = 'AKIA';
  for (const byte of idBytes) id += BASE32[byte % 32];
  const secret = randomBytes(30).toString('base64').replace(/\+/g, 'A').replace(/\//g, 'z').slice(0, 40);
  return { accessKeyId: id, secretAccessKey: secret, description, createdAt: now };
}

/** Creates and stores a key; the caller shows the secret once. */
export async function createAccessKey(deps: { clock: Clock; accessKeys: AccessKeyStore; telemetry: Telemetry }, description: string): Promise<AccessKey> {
  const key = generateAccessKey(deps.clock.now(), description);
  await deps.accessKeys.create(key);
  deps.telemetry.emit('access_key_created', {}, { accessKeyId: key.accessKeyId });
  return key;
}
