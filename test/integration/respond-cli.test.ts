import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { respondClient } from '../../src/api/index.js';
import { runCli } from '../support/cli.js';
import { tempDir } from '../support/temp.js';
import { startTestVigil, type TestVigil } from '../support/vigil.js';

let vigil: TestVigil;
let config: string;
const dir = tempDir();

beforeAll(async () => {
  vigil = await startTestVigil({ mqtt: { plain_listen: '127.0.0.1:0' } });
  config = join(dir.path, 'vigil.yaml');
  writeFileSync(config, `data_dir: ${vigil.dataDir}\n`);
});
afterAll(async () => {
  await vigil?.stop();
  dir.remove();
});

const cli = (...args: string[]) => runCli([...args, '--config', config]);

const PLAYBOOK = `name: tag-ftp
description: tag devices that open FTP
trigger: { type: alert, search: iot-new-listening-port }
limits: { max_things_per_hour: 3 }
steps:
  - type: add_to_group
    group: ftp-\${row.port}
  - type: case_note
    text: "\${thing} opened \${port}"
`;

describe('vigil playbook and the playbook API', () => {
  it('create, list, enable, run with variables, runs and show-run through the CLI', async () => {
    await vigil.running.registry.things.createThing({ thingName: 'cam-1' });
    await vigil.running.registry.things.createGroup({ groupName: 'ftp-21' });
    const file = join(dir.path, 'tag-ftp.yaml');
    writeFileSync(file, PLAYBOOK);
    expect(await cli('playbook', 'create', '-f', file)).toMatchObject({ code: 0, stdout: 'created tag-ftp: disabled; trigger {"type":"alert","search":"iot-new-listening-port"}; add_to_group → case_note; at most 3 things/hour\n' });
    expect((await cli('playbook', 'enable', 'tag-ftp')).stdout).toBe('enabled tag-ftp\n');
    const listed = await cli('playbook', 'list');
    expect(listed.stdout).toMatch(/tag-ftp\s+yes\s+no\s+type=alert search=iot-new-listening-port\s+add_to_group,case_note\s+3/);
    const ran = await cli('playbook', 'run', 'tag-ftp', '--var', 'thing=cam-1', '--var', 'port=21', '--var', 'row.port=21', '--json');
    expect(ran.code).toBe(0);
    const id = (JSON.parse(ran.stdout) as { id: string }).id;
    await vigil.running.respond.idle();
    const shown = await cli('playbook', 'show-run', id);
    expect(shown.stdout).toContain(`run ${id} of tag-ftp: succeeded, thing cam-1`);
    expect(shown.stdout).toMatch(/add_to_group\s+succeeded\s+1/);
    expect(shown.stdout).toContain('cam-1 opened 21');
    expect((await cli('playbook', 'runs', 'tag-ftp')).stdout).toContain(id);
    expect((await vigil.running.registry.things.listGroupsForThing('cam-1', {})).items.map((g) => g.groupName)).toEqual(['ftp-21']);
    // Nothing to undo (add_to_group is not undoable): a clear 4xx and a non-zero exit.
    const undo = await cli('playbook', 'undo', id);
    expect(undo.code).not.toBe(0);
    expect(undo.stderr).toContain('made no change that undo reverses');
  });

  it('an alert firing starts one run per result row', async () => {
    await vigil.running.registry.things.createThing({ thingName: 'cam-2' });
    const runs = await vigil.running.respond.alertFired('iot-new-listening-port', [{ thing: 'cam-1', port: '21' }, { thing: 'cam-2', port: '21' }]);
    expect(runs.map((r) => [r.thing, r.variables['row.port']])).toEqual([['cam-1', '21'], ['cam-2', '21']]);
    expect(await vigil.running.respond.alertFired('another-search', [{ thing: 'cam-1' }])).toEqual([]);
    await vigil.running.respond.idle();
  });

  it('a bad playbook is a 400 naming each problem by path; unknown names and runs are 404; answering a finished run is 409', async () => {
    const response = await fetch(`${vigil.running.endpoints['api']}/api/v1/playbooks`, { method: 'POST', headers: { authorization: `Bearer ${vigil.adminToken}`, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'x', trigger: { type: 'violation', check: 'A' }, steps: [{ type: 'webhook' }] }) });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { code: string; message: string; hint: string };
    expect(body.code).toBe('playbook.invalid');
    expect(body.message).toContain('/trigger/check: unknown key for a violation trigger');
    expect(body.message).toContain('/steps/0/url: required');
    const respond = respondClient(vigil.client);
    await expect(respond.get('nope')).rejects.toMatchObject({ code: 'playbook.not_found' });
    await expect(respond.getRun('0123')).rejects.toMatchObject({ code: 'playbook_run.not_found' });
    const run = (await respond.runs('tag-ftp')).runs[0];
    await expect(respond.approve(run?.id as string)).rejects.toMatchObject({ code: 'playbook_run.state_conflict' });
    await expect(respond.runs('tag-ftp', { nextToken: 'bogus' })).rejects.toMatchObject({ code: 'playbook_run.invalid_token' });
  });

  it('vigil apply creates a playbook (its ${variables} kept for run time), a second apply is unchanged, and export writes it back', async () => {
    const file = join(dir.path, 'resources.yaml');
    writeFileSync(file, `thing_groups:\n  - thingGroupName: quarantine-x\nplaybooks:\n  - name: applied\n    trigger: { type: audit_finding, check: REVOKED_DEVICE_CERTIFICATE_STILL_ACTIVE }\n    steps:\n      - { type: revoke_certificate, certificate: "\${certificate_id}" }\n      - { type: quarantine, group: quarantine-x }\n`);
    const first = await cli('apply', '-f', file);
    expect(first.stderr).toBe('');
    expect(first.stdout).toContain('create    playbook/applied');
    const stored = await respondClient(vigil.client).get('applied');
    expect(stored.steps[0]).toEqual({ type: 'revoke_certificate', certificate: '${certificate_id}', thing: '${thing}' });
    const second = await cli('apply', '-f', file);
    expect(second.stdout).toMatch(/^Plan: 0 to create, 0 to update, 0 to delete, 2 unchanged/m);
    const exported = await cli('export');
    expect(exported.stdout).toContain('playbooks:');
    expect(exported.stdout).toContain('certificate: ${certificate_id}');
  });
});
