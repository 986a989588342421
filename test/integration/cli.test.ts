import { writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runCli } from '../support/cli.js';
import { tempDir } from '../support/temp.js';
import { startTestVigil } from '../support/vigil.js';

const dir = tempDir();
afterAll(() => dir.remove());

describe('vigil (CLI)', () => {
  it('prints its version and help', async () => {
    const version = await runCli(['--version']);
    expect(version.code).toBe(0);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    const help = await runCli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('access-key');
  });

  it('exits 2 on a usage error', async () => {
    const result = await runCli(['no-such-command']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("unknown command 'no-such-command'");
  });

  it('config validate prints all three mistakes with their paths and exits 1', async () => {
    const path = `${dir.path}/bad.yaml`;
    writeFileSync(path, ['api:', '  listen: "8080"', '  bodylimit: 5', 'store:', '  registry:', '    type: postgres', ''].join('\n'));
    const result = await runCli(['config', 'validate', path]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('3 problems');
    expect(result.stderr).toContain(`${path}:3: api.bodylimit: unknown key`);
    expect(result.stderr).toContain(`${path}:2: api.listen: "8080" is not in the expected form (for example: "127.0.0.1:0")`);
    expect(result.stderr).toContain(`${path}:5: store.registry.url: is required`);
  });

  it('config validate accepts a good file and the example config', async () => {
    const example = await runCli(['config', 'example']);
    expect(example.code).toBe(0);
    const path = `${dir.path}/example.yaml`;
    writeFileSync(path, example.stdout);
    const result = await runCli(['config', 'validate', path]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect((parse(example.stdout) as { api: { listen: string } }).api.listen).toBe('127.0.0.1:8080');
  });

  it('access-key create/list/delete work offline against the data directory', async () => {
    const config = `${dir.path}/offline.yaml`;
    writeFileSync(config, `data_dir: ${dir.path}/offline-data\n`);
    const created = await runCli(['access-key', 'create', '--json', '-c', config, '-d', 'ci']);
    expect(created.code).toBe(0);
    const key = JSON.parse(created.stdout) as { accessKeyId: string; secretAccessKey: string };
    expect(key.accessKeyId).toMatch(/^AKIA[A-Z2-7]{16}$/);
    expect(key.secretAccessKey).toHaveLength(40);
    const listed = await runCli(['access-key', 'list', '-c', config]);
    expect(listed.stdout).toContain(key.accessKeyId);
    expect(listed.stdout).not.toContain(key.secretAccessKey);
    expect((await runCli(['access-key', 'delete', key.accessKeyId, '-c', config])).code).toBe(0);
    const again = await runCli(['access-key', 'delete', key.accessKeyId, '-c', config]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('no access key');
    expect(again.stderr).toContain('hint: list keys');
  });

  it('access-key create talks to the running server when there is one', async () => {
    const vigil = await startTestVigil();
    try {
      const config = `${dir.path}/online.yaml`;
      writeFileSync(config, `data_dir: ${vigil.dataDir}\n`);
      const created = await runCli(['access-key', 'create', '--json', '-c', config]);
      expect(created.code).toBe(0);
      const { accessKeyId } = JSON.parse(created.stdout) as { accessKeyId: string };
      expect((await vigil.client.accessKeys.list()).accessKeys.map((k) => k.accessKeyId)).toContain(accessKeyId);
      expect(vigil.running.telemetry.counter('access_key_created')).toBe(1);
    } finally {
      await vigil.stop();
    }
  });
});
