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
