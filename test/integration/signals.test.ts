import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, alive, descendants, readEndpoints, spawnProcess, spawnVigil, type SpawnedProcess } from '../support/spawn-vigil.js';
import { tempDir } from '../support/temp.js';

const dir = tempDir('vigil-signals-');
afterAll(() => dir.remove());

/** A config on ephemeral loopback ports with its data directory in the test's temp dir. */
function configIn(name: string): { config: string; dataDir: string } {
  const base = join(dir.path, name);
  mkdirSync(base);
  const dataDir = join(base, 'data');
  const config = join(base, 'vigil.yaml');
  writeFileSync(config, `data_dir: ${dataDir}\nshutdown_timeout_secs: 10\napi:\n  listen: 127.0.0.1:0\nhec:\n  listen: 127.0.0.1:0\nmqtt:\n  listen: 127.0.0.1:0\n`);
  return { config, dataDir };
}

/** Waits for start-up, then returns every process under `started` (the server among them). */
async function startedTree(started: SpawnedProcess, dataDir: string): Promise<number[]> {
  await started.waitFor(() => readEndpoints(dataDir), 'endpoints.json', 90_000);
  const tree = descendants(started.child.pid as number);
  return [started.child.pid as number, ...tree];
}

async function allGone(pids: readonly number[], withinMs: number): Promise<number[]> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    const left = pids.filter(alive);
    if (left.length === 0 || Date.now() > deadline) return left;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

// npm and npx must never reach a registry here.
const NPM_ENV = { npm_config_offline: 'true', npm_config_update_notifier: 'false', npm_config_fund: 'false' };

describe('vigil up stops cleanly on signals', () => {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`node bin/vigil.mjs up: ${signal} → exit 0, endpoints.json removed, nothing left running`, async () => {
      const { config, dataDir } = configIn(`direct-${signal}`);
      const vigil = spawnVigil(['up', '-c', config], { cwd: dir.path });
      try {
        const tree = await startedTree(vigil, dataDir);
        vigil.child.kill(signal);
        expect(await vigil.exited).toBe(0);
        expect(vigil.stdout()).toContain(`${signal}: stopping (up to 10 s)`);
        expect(vigil.stdout()).toContain('stopped\n');
        expect(readEndpoints(dataDir)).toBeUndefined();
        expect(await allGone(tree, 2000)).toEqual([]);
      } finally {
        vigil.kill();
      }
    }, 120_000);
  }

  it('npx vigil up (in the clone, whose .npmrc runs npm scripts with bash): SIGTERM to npx → npx exits 0 after vigil stopped, nothing left running', async () => {
    const { config, dataDir } = configIn('npx');
    const npx = spawnProcess('npx', ['vigil', 'up', '-c', config], { cwd: REPO_ROOT, env: NPM_ENV });
    try {
      const tree = await startedTree(npx, dataDir);
      expect(tree.length).toBeGreaterThanOrEqual(2);
      npx.child.kill('SIGTERM');
      expect(await npx.exited).toBe(0);
      expect(npx.stdout()).toContain('SIGTERM: stopping');
      expect(npx.stdout()).toContain('stopped\n');
      expect(readEndpoints(dataDir)).toBeUndefined();
      expect(await allGone(tree, 2000)).toEqual([]);
    } finally {
      for (const pid of descendants(npx.child.pid as number)) process.kill(pid, 'SIGKILL');
      npx.kill();
    }
  }, 120_000);

  it('npx with a shell that does not pass SIGTERM on (script-shell=sh): npx dies of the signal, and vigil, orphaned, stops cleanly by itself', async () => {
    const { config, dataDir } = configIn('npx-sh');
    const npx = spawnProcess('npx', ['--script-shell=sh', 'vigil', 'up', '-c', config], { cwd: REPO_ROOT, env: NPM_ENV });
    try {
      const tree = await startedTree(npx, dataDir);
      // npm → sh → node: the shell is the one that swallows the signal.
      expect(tree.length).toBeGreaterThanOrEqual(3);
      npx.child.kill('SIGTERM');
      expect(await npx.exited).not.toBe(0);
      expect(await allGone(tree, 12_000)).toEqual([]);
      // It stopped through its own shutdown (endpoints.json is removed only there), not by being killed.
      expect(readEndpoints(dataDir)).toBeUndefined();
    } finally {
      for (const pid of descendants(npx.child.pid as number)) process.kill(pid, 'SIGKILL');
      npx.kill();
    }
  }, 120_000);
});
