import { execFile } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/main.js';
import { COMMAND_GROUPS, groupName } from '../../src/cli/commands/index.js';
import { tempDir } from '../support/temp.js';

const run = promisify(execFile);
const bin = fileURLToPath(new URL('../../bin/vigil.mjs', import.meta.url));
const tracer = fileURLToPath(new URL('../support/trace-imports.mjs', import.meta.url));

/** Packages that open stores, listen, speak MQTT or sign certificates: help never needs them. */
const ENGINE_PACKAGES = ['@duckdb/node-api', 'better-sqlite3', 'pg', '@nats-io/transport-node', 'kysely', 'fastify', '@fastify/static', '@fastify/swagger', 'mqtt-packet', 'mqtt', '@peculiar/x509', 'pino', 'cbor-x'];

/**
 * The packages a process used: those loaded from node_modules (native add-ons), and those compiled
 * into the dist/ chunks it loaded (a chunk marks each module it holds with `// node_modules/<pkg>/…`).
 */
async function packagesImportedBy(args: readonly string[], cwd: string): Promise<{ packages: string[]; stdout: string }> {
  const traceFile = join(cwd, `trace-${args.join('-')}.txt`);
  const { stdout } = await run(process.execPath, ['--import', tracer, bin, ...args], { cwd, env: { PATH: process.env['PATH'] ?? '', VIGIL_TRACE_IMPORTS: traceFile } });
  const urls = existsSync(traceFile) ? [...new Set(readFileSync(traceFile, 'utf8').split('\n').filter(Boolean))] : [];
  rmSync(traceFile, { force: true });
  const packages = new Set<string>();
  const packageOf = (path: string): string | undefined => /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(path)?.[1];
  for (const url of urls) {
    const path = fileURLToPath(url);
    const fromNodeModules = packageOf(path);
    if (fromNodeModules !== undefined) packages.add(fromNodeModules);
    else if (path.includes(`${sep}dist${sep}`)) for (const m of readFileSync(path, 'utf8').matchAll(/^\/\/ node_modules\/((?:@[^/]+\/)?[^/]+)\//gm)) packages.add(m[1] as string);
  }
  return { packages: [...packages], stdout };
}

describe('the CLI loads command groups lazily', () => {
  it('lists every group in `vigil --help` from the table, with the description its module registers', async () => {
    const io = { out: () => undefined, err: () => undefined, isTty: false };
    const program = await buildProgram({ io, env: {}, setExitCode: () => undefined });
    for (const group of COMMAND_GROUPS) {
      const command = program.commands.find((c) => c.name() === groupName(group));
      expect(command?.description(), group.command).toBe(group.summary);
      expect(command?.registeredArguments.map((a) => (a.required ? `<${a.name()}>` : `[${a.name()}]`)).join(' ') ?? '', group.command).toBe(group.command.split(' ').slice(1).join(' '));
    }
  });

  it('`vigil --help` and `vigil <group> --help` (compiled) import no engine package and create no data directory', async () => {
    const dir = tempDir('vigil-lazy-');
    try {
      const top = await packagesImportedBy(['--help'], dir.path);
      expect(top.packages).toEqual(['commander']);
      // The tracer does see an engine when a command really loads one (so the empty lists mean something).
      const agent = await packagesImportedBy(['agent', '--print'], dir.path);
      expect(agent.packages).toContain('mqtt');
      for (const group of COMMAND_GROUPS) expect(top.stdout).toContain(groupName(group));
      for (const group of COMMAND_GROUPS) {
        const { packages, stdout } = await packagesImportedBy([groupName(group), '--help'], dir.path);
        expect(stdout, groupName(group)).toContain(`Usage: vigil ${groupName(group)}`);
        expect(packages.filter((p) => ENGINE_PACKAGES.some((e) => p === e || p.startsWith(`${e}/`))), groupName(group)).toEqual([]);
      }
      expect(existsSync(join(dir.path, 'vigil-data'))).toBe(false);
    } finally {
      dir.remove();
    }
  }, 120_000);
});
