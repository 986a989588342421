import { Writable } from 'node:stream';
import type { Clock } from '../../src/core/index.js';
import { VigilClient } from '../../src/api/index.js';
import { startVigil, validateVigilConfig, type RunningVigil } from '../../src/app/index.js';
import { tempDir } from './temp.js';

export interface TestVigil {
  readonly running: RunningVigil;
  readonly client: VigilClient;
  readonly adminToken: string;
  readonly dataDir: string;
  /** JSON log lines written so far. */
  readonly logs: string[];
  stop(): Promise<void>;
}

/**
 * Starts a real Vigil in this process on ephemeral loopback ports, in a temp data directory.
 * `config` is merged over the test defaults (every listener on 127.0.0.1:0).
 */
export async function startTestVigil(config: Record<string, unknown> = {}, options: { clock?: Clock; dataDir?: string } = {}): Promise<TestVigil> {
  const dir = options.dataDir === undefined ? tempDir() : undefined;
  const dataDir = options.dataDir ?? (dir as { path: string }).path;
  const merged = deepMerge({ data_dir: dataDir, log: { level: 'debug' }, api: { listen: '127.0.0.1:0' }, hec: { listen: '127.0.0.1:0' }, mqtt: { listen: '127.0.0.1:0' } }, config);
  const loaded = validateVigilConfig(merged);
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      logs.push(...chunk.toString('utf8').split('\n').filter((l) => l !== ''));
      callback();
    },
  });
  const running = await startVigil({ loaded, ...(options.clock === undefined ? {} : { clock: options.clock }), logDestination: sink });
  const { readFileSync } = await import('node:fs');
  const adminToken = readFileSync(running.adminTokenPath, 'utf8').trim();
  const client = new VigilClient({ baseUrl: running.endpoints['api'] as string, token: adminToken });
  return {
    running,
    client,
    adminToken,
    dataDir,
    logs,
    async stop() {
      await running.stop();
      dir?.remove();
    },
  };
}

function deepMerge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const existing = out[key];
    out[key] = isPlain(existing) && isPlain(value) ? deepMerge(existing, value) : value;
  }
  return out;
}

function isPlain(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
