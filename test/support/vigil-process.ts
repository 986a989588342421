import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('../..', import.meta.url).pathname;

export async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs: number, everyMs = 50): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/**
 * A real `vigil up` in its own process (so that it can be killed with SIGKILL), over a data
 * directory and config file in `dir`. `start()` waits for run/endpoints.json; `kill()` is kill -9.
 */
export class VigilProcess {
  child: ChildProcess | undefined;
  endpoints: Record<string, string> = {};
  stderr = '';
  readonly dataDir: string;
  readonly configPath: string;

  constructor(
    readonly dir: string,
    config: Readonly<Record<string, unknown>> = {},
    private readonly env: Readonly<Record<string, string>> = {},
  ) {
    this.dataDir = join(dir, 'data');
    this.configPath = join(dir, 'vigil.yaml');
    const base = { data_dir: this.dataDir, log: { level: 'warn' }, api: { listen: '127.0.0.1:0' }, hec: { listen: '127.0.0.1:0' }, mqtt: { listen: '127.0.0.1:0' } };
    writeFileSync(this.configPath, `${JSON.stringify(merge(base, config), null, 2)}\n`);
  }

  get adminToken(): string {
    return readFileSync(join(this.dataDir, 'secrets', 'admin-token'), 'utf8').trim();
  }

  get api(): string {
    return this.endpoints['api'] as string;
  }

  get hec(): string {
    return this.endpoints['hec'] as string;
  }

  async start(timeoutMs = 90_000): Promise<void> {
    const endpoints = join(this.dataDir, 'run', 'endpoints.json');
    rmSync(endpoints, { force: true });
    const child = spawn(process.execPath, [join(root, 'bin/vigil.mjs'), 'up', '-c', this.configPath], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ...this.env } });
    this.child = child;
    this.stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => void (this.stderr = (this.stderr + chunk.toString()).slice(-8000)));
    await until(() => existsSync(endpoints) || child.exitCode !== null, 'vigil up', timeoutMs).catch((error: unknown) => {
      throw new Error(`${String(error)}\n${this.stderr}`);
    });
    if (child.exitCode !== null) throw new Error(`vigil up exited ${child.exitCode}: ${this.stderr}`);
    this.endpoints = JSON.parse(readFileSync(endpoints, 'utf8')) as Record<string, string>;
  }

  get alive(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** kill -9, and wait until the process is gone. */
  async kill(): Promise<void> {
    const child = this.child;
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  /** SIGTERM and wait (a clean stop). */
  async stop(): Promise<void> {
    const child = this.child;
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }

  /** Authenticated fetch against the API. */
  fetchApi(path: string, init: RequestInit = {}): Promise<Response> {
    return fetch(`${this.api}${path}`, { ...init, headers: { authorization: `Bearer ${this.adminToken}`, ...(init.headers as Record<string, string> | undefined) } });
  }

  /** A Firehose JSON 1.1 call; rejects on a non-2xx answer with its body. */
  async firehose(target: string, body: unknown): Promise<Record<string, unknown>> {
    const response = await this.fetchApi('/', { method: 'POST', headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `Firehose_20150804.${target}` }, body: JSON.stringify(body) });
    const parsed = (await response.json()) as Record<string, unknown>;
    if (!response.ok) throw Object.assign(new Error(`${target}: HTTP ${response.status} ${JSON.stringify(parsed)}`), { status: response.status, body: parsed });
    return parsed;
  }
}

/** `over` merged into `base`, objects key by key (a config file's sections). */
export function merge(base: Record<string, unknown>, over: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const existing = out[key];
    out[key] = typeof existing === 'object' && existing !== null && !Array.isArray(existing) && typeof value === 'object' && value !== null && !Array.isArray(value) ? merge(existing as Record<string, unknown>, value as Record<string, unknown>) : value;
  }
  return out;
}
