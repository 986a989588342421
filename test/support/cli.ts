import { afterAll, beforeAll } from 'vitest';
import { run } from '../../src/cli/index.js';
import { tempDir } from './temp.js';
import { startTestVigil, type TestVigil } from './vigil.js';

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the `vigil` CLI in-process with captured output. */
export async function runCli(args: readonly string[], env: Readonly<Record<string, string | undefined>> = {}): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const code = await run(['node', 'vigil', ...args], { out: (t) => void (stdout += t), err: (t) => void (stderr += t), isTty: false }, env);
  return { code, stdout, stderr };
}

/** A `vigil …` runner bound to a running test server (adds `--server` and `--token`). */
export function cliFor(
  vigil: { running: { endpoints: Readonly<Record<string, string>> }; adminToken: string },
  env: Readonly<Record<string, string | undefined>> = {},
): (...args: string[]) => Promise<{ code: number; out: string; err: string }> {
  return async (...args) => {
    const result = await runCli([...args, '--server', vigil.running.endpoints['api'] as string, '--token', vigil.adminToken], env);
    return { code: result.code, out: result.stdout, err: result.stderr };
  };
}

/**
 * A test server for the calling test file (started in its beforeAll, stopped in its afterAll) and a
 * `vigil …` runner bound to it whose HOME is a fresh temp directory (`home`, removed at the end).
 */
export function cliTestServer(homePrefix: string, config: Record<string, unknown> = {}): { readonly vigil: TestVigil; readonly home: string; readonly cli: ReturnType<typeof cliFor> } {
  const home = tempDir(homePrefix);
  let vigil: TestVigil | undefined;
  beforeAll(async () => {
    vigil = await startTestVigil(config);
  });
  afterAll(async () => {
    await vigil?.stop();
    home.remove();
  });
  const server = {
    get vigil(): TestVigil {
      if (vigil === undefined) throw new Error('the test server starts in beforeAll');
      return vigil;
    },
    home: home.path,
    cli: (...args: string[]) => cliFor(server.vigil, { HOME: home.path })(...args),
  };
  return server;
}
