import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import mqtt from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { VigilClient, respondClient, type PlaybookRunView } from '../../src/api/index.js';
import { startVigil, validateVigilConfig, type RunningVigil } from '../../src/app/index.js';
import { BUNDLED_PLAYBOOKS, demoConfig, startDemo, type RunningDemo } from '../../src/demo/index.js';
import { runCli } from '../support/cli.js';
import { tempDir } from '../support/temp.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Waits (real time, bounded) for the demo's devices and the server; never used to measure speed. */
async function until<T>(probe: () => Promise<T | undefined> | T | undefined, what: string, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('the demo with the bundled "new listening port" playbook', () => {
  it('quarantines the FTP camera after `vigil respond approve` (its next connection and publish are refused, the run shows every step) and `vigil playbook undo` restores it', async () => {
    const dir = tempDir();
    cleanups.push(() => dir.remove());
    const speed = 150; // a report every 2 s
    const base = validateVigilConfig({ data_dir: dir.path, log: { level: 'warn' }, api: { listen: '127.0.0.1:0' }, hec: { listen: '127.0.0.1:0' }, mqtt: { listen: '127.0.0.1:0' } });
    const loaded = demoConfig(base, speed);
    const running: RunningVigil = await startVigil({ loaded, logDestination: new Writable({ write: (_c, _e, cb) => cb() }) });
    cleanups.push(() => running.stop());
    const token = readFileSync(running.adminTokenPath, 'utf8').trim();
    const cli = (...args: string[]) => runCli([...args, '--server', running.endpoints['api'] as string, '--token', token]);

    // The operator installs the bundled playbook and enables it before the fleet starts.
    const file = BUNDLED_PLAYBOOKS.find((f) => f.endsWith('new-listening-port-quarantine.yaml')) as string;
    expect(await cli('playbook', 'create', '-f', file)).toMatchObject({ code: 0, stdout: expect.stringContaining('created new-listening-port-quarantine: disabled') });
    expect(await cli('playbook', 'enable', 'new-listening-port-quarantine')).toMatchObject({ code: 0 });

    const demo: RunningDemo = await startDemo(running, loaded, { speed, devices: 3 });
    cleanups.push(() => demo.stop());
    const target = demo.simulator.target;
    const respond = respondClient(new VigilClient({ baseUrl: running.endpoints['api'] as string, token }));
    // The demo installed the other bundled playbooks, disabled; it left the enabled one alone.
    expect((await respond.list()).playbooks.map((p) => [p.name, p.enabled])).toEqual([['authorization-failure-burst', false], ['new-listening-port-quarantine', true], ['revoked-certificate-still-active', false]]);

    // The camera opens port 21: the violation starts a run, which notes it and waits for a person.
    const waiting = await until(async () => (await respond.runs('new-listening-port-quarantine')).runs.find((r) => r.state === 'waiting_approval'), 'a run waiting for approval');
    expect(waiting.thing).toBe(target);
    expect(waiting.steps.map((s) => [s.type, s.status])).toEqual([['case_note', 'succeeded'], ['approval', 'waiting'], ['quarantine', 'pending']]);
    expect(waiting.notes[0]?.text).toContain(`${target} listens on unexpected TCP port(s) 21`);
    expect(running.ingress.connections().some((c) => c.name === target)).toBe(true);

    const approved = await cli('respond', 'approve', waiting.id, '--by', 'soc-analyst');
    expect(approved).toMatchObject({ code: 0, stdout: `approved run ${waiting.id} of new-listening-port-quarantine: running\n` });
    const done = await until(async () => {
      const run = await respond.getRun(waiting.id);
      return run.state === 'succeeded' ? run : undefined;
    }, 'the run to finish');
    // The run shows every step with its outcome.
    expect(done.steps.map((s) => [s.type, s.status, s.attempts])).toEqual([['case_note', 'succeeded', 1], ['approval', 'approved', 0], ['quarantine', 'succeeded', 1]]);
    expect(done.steps[1]?.message).toBe('approved by soc-analyst');
    expect(done.steps[2]?.message).toBe(`moved ${target} into vigil-quarantine (out of DeviceDefenderFleet)`);
    const shown = await cli('playbook', 'show-run', waiting.id);
    expect(shown.stdout).toMatch(/quarantine\s+succeeded\s+1/);
    const groups = async (): Promise<string[]> => (await running.registry.things.listGroupsForThing(target, {})).items.map((g) => g.groupName);
    expect(await groups()).toEqual(['vigil-quarantine']);

    // Quarantined: the broker dropped the camera, and it cannot come back to publish.
    await until(() => (running.ingress.connections().some((c) => c.name === target) ? undefined : true), 'the camera to be disconnected', 10_000);
    const identity = { cert: readFileSync(join(dir.path, 'sim', 'certs', target, 'cert.pem'), 'utf8'), key: readFileSync(join(dir.path, 'sim', 'certs', target, 'private.key'), 'utf8') };
    const connect = () => mqtt.connectAsync(running.endpoints['mqtt'] as string, { clientId: target, protocolVersion: 4, ...identity, ca: running.registry.server.caPem, reconnectPeriod: 0, connectTimeout: 5000 });
    await expect(connect()).rejects.toThrow(/Not authorized/i);
    const acceptedBefore = demo.simulator.stats().acceptedByThing[target] ?? 0;

    // Undo puts it back into its group; the camera reconnects on its own and its reports are accepted again.
    const undone = await cli('playbook', 'undo', waiting.id);
    expect(undone.code).toBe(0);
    expect(undone.stdout).toContain(`run ${waiting.id} of new-listening-port-quarantine: undone`);
    expect(await groups()).toEqual(['DeviceDefenderFleet']);
    await until(() => ((demo.simulator.stats().acceptedByThing[target] ?? 0) > acceptedBefore ? true : undefined), 'a report accepted after undo', 30_000);
    const final: PlaybookRunView = await respond.getRun(waiting.id);
    expect(final.steps.map((s) => s.status)).toEqual(['succeeded', 'approved', 'undone']);
  }, 180_000);
});
