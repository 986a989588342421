import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { parse } from 'yaml';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Value } from 'typebox/value';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { respondRegistry } from '../../src/app/index.js';
import { FakeTime, ok, systemTimer, type Timer } from '../../src/core/index.js';
import type { AuditFinding, DeviceConnections, PlaybookRun, RespondOutlets, RespondRegistry } from '../../src/model/index.js';
import { verifyWebhook } from '../../src/notify/index.js';
import { createRegistry, registryConfigSchema, type Registry } from '../../src/registry/index.js';
import { RespondEngine } from '../../src/respond/index.js';
import { certificateRepository, migrateRegistry, openSqliteRegistry, playbookRepository, type RegistryDb, registryRepositories } from '../../src/store/index.js';
import { Telemetry, createLogger } from '../../src/telemetry/index.js';
import { tempDir } from '../support/temp.js';

const SECRET = 'respond-test-secret';
let dir: { path: string; remove(): void };
let db: RegistryDb;
let registry: Registry;
let time: FakeTime;
let logs: string[];
let hooks: { server: Server; url: string; statuses: number[]; received: Array<{ body: string; ok: boolean }> };

async function webhookServer(statuses: number[]): Promise<typeof hooks> {
  const received: Array<{ body: string; ok: boolean }> = [];
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (c: Buffer) => (body += c.toString('utf8')));
    request.on('end', () => {
      received.push({ body, ok: verifyWebhook(SECRET, request.headers['x-vigil-timestamp'] as string | undefined, request.headers['x-vigil-signature'] as string | undefined, body) });
      response.writeHead(statuses.shift() ?? 200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, statuses, received };
}

/** The real registry and store; the webhook outlet POSTs for real (signed like the app's); time is fake. */
function engine(options: { registry?: RespondRegistry; timer?: Timer } = {}): RespondEngine {
  const outlets: RespondOutlets = {
    startAudit: async () => ok('task-1'),
    publish: async () => ok(undefined),
    async postWebhook(url, body) {
      const { signWebhook } = await import('../../src/notify/index.js');
      const ts = Math.floor(time.now() / 1000);
      const response = await fetch(url, { method: 'POST', headers: { 'x-vigil-timestamp': String(ts), 'x-vigil-signature': signWebhook(SECRET, ts, body) }, body });
      const { VigilError, err } = await import('../../src/core/index.js');
      if (response.ok) return ok(undefined);
      return err(new VigilError(response.status >= 500 ? 'playbook_step.failed' : 'playbook_step.refused', `HTTP ${response.status}`));
    },
  };
  const connections: DeviceConnections = { disconnect: async () => 0 };
  const log = createLogger({ level: 'info', format: 'json', destination: { write: (line: string) => void logs.push(line) } });
  return new RespondEngine({
    store: playbookRepository(db),
    ports: { registry: options.registry ?? respondRegistry(registry, certificateRepository(db)), connections, outlets },
    clock: time,
    timer: options.timer ?? systemTimer,
    telemetry: new Telemetry(log),
    backoff: { initialMs: 1, maxMs: 5, multiplier: 2, jitter: 0 },
  });
}

async function device(thingName: string, groups: string[] = []): Promise<string> {
  await registry.things.createThing({ thingName });
  const { certificate } = await registry.certificates.createKeysAndCertificate(true, thingName);
  await registry.certificates.attachThingPrincipal(thingName, registry.arns.cert(certificate.certificateId), undefined);
  for (const group of groups) {
    if (!(await registry.things.groupExists(group))) await registry.things.createGroup({ groupName: group });
    await registry.things.addThingToGroup(group, thingName);
  }
  return certificate.certificateId;
}

async function finished(respond: RespondEngine, run: PlaybookRun): Promise<PlaybookRun> {
  await respond.idle();
  return respond.getRun(run.id);
}

const groupsOf = async (thing: string): Promise<string[]> => (await registry.things.listGroupsForThing(thing, {})).items.map((g) => g.groupName).sort();

beforeEach(async () => {
  dir = tempDir('vigil-respond-');
  db = openSqliteRegistry(join(dir.path, 'registry.sqlite'));
  const migrated = await migrateRegistry(db);
  if (!migrated.ok) throw migrated.error;
  time = new FakeTime(Date.now());
  logs = [];
  registry = await createRegistry({
    stores: registryRepositories(db),
    config: Value.Default(registryConfigSchema, {}) as never,
    secretsDir: dir.path,
    clock: time,
    telemetry: new Telemetry(createLogger({ level: 'silent', format: 'json' })),
    region: 'local',
    accountId: '000000000000',
  });
});
afterEach(async () => {
  if (hooks !== undefined) await new Promise<void>((resolve) => hooks.server.close(() => resolve()));
  await db.close();
  dir.remove();
});

describe('playbook step runner', () => {
  it('feeds trigger variables (${thing}, ${row.port}) into step parameters and records them resolved', async () => {
    const certificate = await device('cam-1', ['fleet']);
    const respond = engine();
    await respond.create({ name: 'tag', enabled: true, trigger: { type: 'alert', search: 'new-port' }, steps: [{ type: 'add_to_group', group: 'port-${row.port}' }, { type: 'case_note', text: '${thing} opened ${port} (cert ${certificate_id})' }] });
    await registry.things.createGroup({ groupName: 'port-21' });
    const [run] = await respond.alertFired('new-port', [{ thing: 'cam-1', port: '21' }]);
    const done = await finished(respond, run!);
    expect(done.state).toBe('succeeded');
    expect(done.steps.map((s) => [s.type, s.status, s.params])).toEqual([
      ['add_to_group', 'succeeded', { thing: 'cam-1', group: 'port-21' }],
      ['case_note', 'succeeded', { text: `cam-1 opened 21 (cert ${certificate})` }],
    ]);
    expect(done.notes.map((n) => n.text)).toEqual([`cam-1 opened 21 (cert ${certificate})`]);
    expect(await groupsOf('cam-1')).toEqual(['fleet', 'port-21']);
  });

  it('a variable the trigger does not set fails the step by name, skips the rest and changes nothing', async () => {
    await device('cam-1', ['fleet']);
    const respond = engine();
    await respond.create({ name: 'bad-var', trigger: { type: 'alert', search: 's' }, steps: [{ type: 'add_to_group', group: '${row.missing}' }, { type: 'quarantine' }] });
    const run = await respond.runNow('bad-var', { thing: 'cam-1' });
    const done = await finished(respond, run);
    expect(done.state).toBe('failed');
    expect(done.steps[0]).toMatchObject({ status: 'failed', error: { code: 'playbook_step.no_target', message: expect.stringContaining('${row.missing}') } });
    expect(done.steps[1]).toMatchObject({ status: 'skipped', message: 'an earlier step failed' });
    expect(await groupsOf('cam-1')).toEqual(['fleet']);
  });

  it('retries a failing webhook with backoff until it answers (3 attempts, each signed), and does not retry a 4xx', async () => {
    hooks = await webhookServer([503, 503, 200]);
    const respond = engine();
    await respond.create({ name: 'hook', trigger: { type: 'alert', search: 's' }, limits: { step_attempts: 3 }, steps: [{ type: 'webhook', url: hooks.url }] });
    const done = await finished(respond, await respond.runNow('hook', { thing: 'x' }));
    expect(done.state).toBe('succeeded');
    expect(done.steps[0]).toMatchObject({ status: 'succeeded', attempts: 3 });
    expect(hooks.received.map((r) => r.ok)).toEqual([true, true, true]);
    expect(JSON.parse(hooks.received[2]!.body)).toMatchObject({ playbook: 'hook', run_id: done.id, thing: 'x' });

    hooks.statuses.push(404);
    const refused = await finished(respond, await respond.runNow('hook', { thing: 'x' }));
    expect(refused.steps[0]).toMatchObject({ status: 'failed', attempts: 1, error: { code: 'playbook_step.refused' } });
    expect(hooks.received).toHaveLength(4);
    // Contained: counted and logged with its component, the process goes on.
    expect(logs.some((l) => l.includes('"component":"respond"') && l.includes('playbook_step.refused'))).toBe(true);
  });

  it('a step whose peer throws is contained: the run fails with playbook_step.crashed after its attempts, nothing escapes', async () => {
    await device('cam-1');
    const real = respondRegistry(registry, certificateRepository(db));
    let calls = 0;
    const broken: RespondRegistry = { ...real, groupsOfThing: async () => { calls++; throw new Error('disk on fire'); } };
    const respond = engine({ registry: broken });
    await respond.create({ name: 'q', trigger: { type: 'alert', search: 's' }, limits: { step_attempts: 2 }, steps: [{ type: 'quarantine' }, { type: 'case_note', text: 'after' }] });
    const done = await finished(respond, await respond.runNow('q', { thing: 'cam-1' }));
    expect(done.state).toBe('failed');
    expect(done.steps.map((s) => s.status)).toEqual(['failed', 'skipped']);
    expect(done.steps[0]).toMatchObject({ attempts: 2, error: { code: 'playbook_step.crashed', message: 'disk on fire' } });
    expect(calls).toBe(2);
  });

  it('steps are idempotent: quarantining and deactivating twice changes nothing the second time and says so', async () => {
    const certificate = await device('cam-1', ['fleet', 'cameras']);
    const respond = engine();
    await respond.create({ name: 'contain', trigger: { type: 'alert', search: 's' }, steps: [{ type: 'quarantine' }, { type: 'deactivate_certificate' }] });
    const first = await finished(respond, await respond.runNow('contain', { thing: 'cam-1' }));
    expect(first.state).toBe('succeeded');
    expect(await groupsOf('cam-1')).toEqual(['vigil-quarantine']);
    expect((await registry.certificates.requireCertificate(certificate)).status).toBe('INACTIVE');
    expect(first.steps.map((s) => s.message)).toEqual(['moved cam-1 into vigil-quarantine (out of cameras, fleet)', `deactivated ${certificate}`]);
    const second = await finished(respond, await respond.runNow('contain', { thing: 'cam-1' }));
    expect(second.state).toBe('succeeded');
    expect(second.steps.map((s) => s.message)).toEqual(['cam-1 was already in vigil-quarantine', `already INACTIVE: ${certificate}`]);
    expect(await groupsOf('cam-1')).toEqual(['vigil-quarantine']);
    // The quarantine group carries the deny-everything policy.
    const attached = await registry.policies.listTargetsForPolicy('vigil-quarantine-deny', {});
    expect(attached.items).toEqual([{ kind: 'thinggroup', id: 'vigil-quarantine' }]);

    // Undo of the first run restores the groups and reactivates the certificate.
    const undone = await respond.undo(first.id);
    expect(undone.state).toBe('undone');
    expect(undone.steps.map((s) => s.status)).toEqual(['undone', 'undone']);
    expect(await groupsOf('cam-1')).toEqual(['cameras', 'fleet']);
    expect((await registry.certificates.requireCertificate(certificate)).status).toBe('ACTIVE');
    await expect(respond.undo(second.id)).rejects.toMatchObject({ code: 'playbook_run.nothing_to_undo' });
  });

  it('a dry run records what every step would do and changes nothing', async () => {
    const certificate = await device('cam-1', ['fleet']);
    const respond = engine();
    await respond.create({ name: 'dry', dry_run: true, trigger: { type: 'alert', search: 's' }, steps: [{ type: 'approval' }, { type: 'quarantine' }, { type: 'revoke_certificate' }, { type: 'disconnect' }] });
    const done = await finished(respond, await respond.runNow('dry', { thing: 'cam-1' }));
    expect(done).toMatchObject({ state: 'succeeded', dryRun: true });
    expect(done.steps.map((s) => [s.status, s.message])).toEqual([
      ['dry_run', 'would wait up to 3600 s for approval (default deny)'],
      ['dry_run', 'would move cam-1 into vigil-quarantine (policy vigil-quarantine-deny denies everything)'],
      ['dry_run', `would revoke ${certificate}`],
      ['dry_run', 'would disconnect cam-1'],
    ]);
    expect(await groupsOf('cam-1')).toEqual(['fleet']);
    expect(await registry.things.groupExists('vigil-quarantine')).toBe(false);
    expect((await registry.certificates.requireCertificate(certificate)).status).toBe('ACTIVE');
  });

  it('an approval waits; with no answer by its timeout the default applies (approve: the run goes on; deny: the rest is skipped)', async () => {
    await device('cam-1', ['fleet']);
    await device('cam-2', ['fleet']);
    const respond = engine({ timer: time });
    await respond.create({ name: 'yes', trigger: { type: 'alert', search: 's' }, steps: [{ type: 'approval', timeout_secs: 60, default: 'approve' }, { type: 'quarantine' }] });
    await respond.create({ name: 'no', trigger: { type: 'alert', search: 's' }, steps: [{ type: 'approval', timeout_secs: 120 }, { type: 'quarantine' }] });
    const yes = await finished(respond, await respond.runNow('yes', { thing: 'cam-1' }));
    const no = await finished(respond, await respond.runNow('no', { thing: 'cam-2' }));
    expect([yes.state, no.state]).toEqual(['waiting_approval', 'waiting_approval']);
    expect(yes.approval).toMatchObject({ deadline: time.now() + 60_000, default: 'approve' });
    await time.advance(59_000);
    await respond.idle();
    expect((await respond.getRun(yes.id)).state).toBe('waiting_approval');
    await time.advance(61_000);
    await respond.idle();
    const approved = await respond.getRun(yes.id);
    expect(approved.state).toBe('succeeded');
    expect(approved.steps[0]).toMatchObject({ status: 'approved', message: 'no answer by the deadline: default approve' });
    expect(await groupsOf('cam-1')).toEqual(['vigil-quarantine']);
    const denied = await respond.getRun(no.id);
    expect(denied.state).toBe('denied');
    expect(denied.steps.map((s) => s.status)).toEqual(['denied', 'skipped']);
    expect(await groupsOf('cam-2')).toEqual(['fleet']);
    await expect(respond.approve(no.id)).rejects.toMatchObject({ code: 'playbook_run.state_conflict' });
    await respond.stop();
  });

  it('a run the process stopped in the middle of goes on at the next start from its unfinished step (run again: idempotent)', async () => {
    await device('cam-1', ['fleet']);
    const before = engine();
    await before.create({ name: 'contain', trigger: { type: 'alert', search: 's' }, steps: [{ type: 'case_note', text: 'seen' }, { type: 'quarantine' }] });
    const run = await finished(before, await before.runNow('contain', { thing: 'cam-1' }));
    // As if the process died while the quarantine step ran: the stored run says so.
    const interrupted: PlaybookRun = { ...run, state: 'running', steps: run.steps.map((st) => (st.type === 'quarantine' ? { ...st, status: 'running', message: undefined, endedAt: undefined, undo: undefined } : st)) };
    await playbookRepository(db).saveRun(interrupted);
    const after = engine();
    await after.start();
    const done = await finished(after, run);
    expect(done.state).toBe('succeeded');
    expect(done.steps.map((st) => [st.status, st.message])).toEqual([['succeeded', 'seen'], ['succeeded', 'cam-1 was already in vigil-quarantine']]);
    await after.stop();
  });

  it('the bundled "revoked certificate still active" playbook revokes the certificate an audit finding names (the thing found through it)', async () => {
    const certificate = await device('cam-9');
    const other = await device('cam-10');
    const respond = engine();
    const bundled = parse(readFileSync(new URL('../../examples/playbooks/revoked-certificate-still-active.yaml', import.meta.url), 'utf8')) as Record<string, unknown>;
    await respond.create({ ...bundled, enabled: true });
    const finding = (checkName: string, id: string, isSuppressed = false): AuditFinding => ({ findingId: `f-${id}`, taskId: 't', checkName, taskStartTime: time.now(), findingTime: time.now(), severity: 'CRITICAL', nonCompliantResource: { resourceType: 'DEVICE_CERTIFICATE', resourceIdentifier: { deviceCertificateId: id } }, relatedResources: [], reasonForNonCompliance: 'listed on the CA CRL', reasonForNonComplianceCode: 'CERTIFICATE_REVOKED_BY_ISSUER', isSuppressed, resourceKey: id });
    const runs = await respond.findings([finding('REVOKED_DEVICE_CERTIFICATE_STILL_ACTIVE', certificate), finding('DEVICE_CERTIFICATE_EXPIRING', other), finding('REVOKED_DEVICE_CERTIFICATE_STILL_ACTIVE', other, true)]);
    expect(runs.map((r) => [r.thing, r.variables['certificate_id']])).toEqual([['cam-9', certificate]]);
    const done = await finished(respond, runs[0]!);
    expect(done.steps.map((st) => [st.status, st.message])).toEqual([['succeeded', `revoked ${certificate}`], ['succeeded', `revoked ${certificate} (listed on the CA CRL)`]]);
    expect((await registry.certificates.requireCertificate(certificate)).status).toBe('REVOKED');
    expect((await registry.certificates.requireCertificate(other)).status).toBe('ACTIVE');
  });

  it('rejects a bad playbook document with every problem and its path', async () => {
    const respond = engine();
    await expect(respond.create({ name: 'bad name!', trigger: { type: 'violation', severity: 'HIGH' }, limits: { max_things_per_hour: 0 }, steps: [{ type: 'quarantine', grup: 'x' }, { type: 'explode' }, { type: 'notify' }] })).rejects.toMatchObject({
      code: 'playbook.invalid',
      details: { problems: expect.arrayContaining([
        expect.stringMatching(/^\/name: /),
        expect.stringMatching(/^\/trigger\/severity: unknown key for a violation trigger/),
        '/limits/max_things_per_hour: an integer in 1..100000',
        expect.stringMatching(/^\/steps\/0\/grup: unknown parameter of quarantine/),
        expect.stringMatching(/^\/steps\/1\/type: one of quarantine, /),
        '/steps/2/topic: required',
      ]) },
    });
  });
});
