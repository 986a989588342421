import { run } from '../../src/cli/index.js';

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
