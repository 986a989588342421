import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The compiled CLI (tests rebuild dist/ first, test/support/build-dist.ts). */
export const VIGIL_BIN = fileURLToPath(new URL('../../bin/vigil.mjs', import.meta.url));
export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Every listener on an ephemeral loopback port (environment overrides of the config). */
export const EPHEMERAL_LISTENERS = { VIGIL_API_LISTEN: '127.0.0.1:0', VIGIL_HEC_LISTEN: '127.0.0.1:0', VIGIL_MQTT_LISTEN: '127.0.0.1:0' } as const;

export interface SpawnedProcess {
  readonly child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code (or the signal's name). */
  readonly exited: Promise<number | string>;
  /** Waits until `probe` returns a value (polled every 100 ms). */
  waitFor<T>(probe: () => T | undefined, what: string, timeoutMs?: number): Promise<T>;
  /** Kills it with SIGKILL if it still runs (test clean-up). */
  kill(): void;
}

/** Runs a command with captured output; `env` is the whole environment apart from PATH and HOME. */
export function spawnProcess(command: string, args: readonly string[], options: { cwd: string; env?: Readonly<Record<string, string>>; detached?: boolean }): SpawnedProcess {
  const child = spawn(command, [...args], {
    cwd: options.cwd,
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? options.cwd, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(options.detached === true ? { detached: true } : {}),
  });
  let out = '';
  let err = '';
  child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<number | string>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    async waitFor(probe, what, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const value = probe();
        if (value !== undefined) return value;
        if (child.exitCode !== null || child.signalCode !== null) throw new Error(`exited (${child.exitCode ?? child.signalCode}) while waiting for ${what}\nstdout:\n${out}\nstderr:\n${err.slice(-4000)}`);
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\nstdout:\n${out}\nstderr:\n${err.slice(-4000)}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}

/** `node bin/vigil.mjs …` (the compiled CLI). */
export function spawnVigil(args: readonly string[], options: { cwd: string; env?: Readonly<Record<string, string>> }): SpawnedProcess {
  return spawnProcess(process.execPath, [VIGIL_BIN, ...args], options);
}

/** The endpoints a server on `dataDir` wrote, once it wrote them. */
export function readEndpoints(dataDir: string): Record<string, string> | undefined {
  const path = join(dataDir, 'run', 'endpoints.json');
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as Record<string, string>) : undefined;
}

/** Pids of every descendant of `pid` (from /proc), children first. */
export function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // the process ended while we read
    }
  }
  const out: number[] = [];
  const visit = (p: number): void => {
    for (const child of children.get(p) ?? []) {
      out.push(child);
      visit(child);
    }
  };
  visit(pid);
  return out;
}

/** Whether a process with this pid still exists (and is not a zombie). */
export function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}
