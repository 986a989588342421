import { AddThingToThingGroupCommand, AttachSecurityProfileCommand, CreateSecurityProfileCommand, CreateThingGroupCommand, IoTClient, ListViolationEventsCommand } from '@aws-sdk/client-iot';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { respondClient, type PlaybookRunView } from '../../src/api/index.js';
import { FakeTime } from '../../src/core/index.js';
import { connectionHistoryRepository } from '../../src/store/index.js';
import { iotClientFor } from '../support/aws-sdk.js';
import { startTestVigil, type TestVigil } from '../support/vigil.js';
import { until } from './detect-support.js';

const ARN = 'arn:aws:iot:local:000000000000';
const WINDOW_MS = 300_000;
// Detect's counter windows are aligned to multiples of their length: start just after a boundary (in the past, so certificates are valid).
const time = new FakeTime(Math.floor(Date.now() / WINDOW_MS) * WINDOW_MS + 1000);
let vigil: TestVigil;
let iot: IoTClient;

beforeAll(async () => {
  vigil = await startTestVigil({ mqtt: { listen: '127.0.0.1:0', reports: { min_report_interval_secs: 0 } } }, { clock: time });
  iot = await iotClientFor(vigil, 'respond test');
});

afterAll(async () => {
  iot?.destroy();
  await vigil?.stop();
});

async function device(thingName: string): Promise<MqttClient> {
  const registry = vigil.running.registry;
  await registry.things.createThing({ thingName });
  const issued = await registry.certificates.createKeysAndCertificate(true, thingName);
  const arn = registry.arns.cert(issued.certificate.certificateId);
  await registry.certificates.attachThingPrincipal(thingName, arn, undefined);
  await registry.policies.attachPolicy(registry.defaultPolicyName, arn);
  return mqtt.connectAsync(vigil.running.endpoints['mqtt'] as string, { clientId: thingName, protocolVersion: 4, key: issued.privateKeyPem, cert: issued.certificate.certificatePem, ca: registry.server.caPem, reconnectPeriod: 0, connectTimeout: 5000 });
}

describe('playbooks acting through the broker', () => {
  it('a playbook bound to a violation of aws:num-authorization-failures disconnects the thing within 2 s of the in-alarm event (event and step times on the injected clock)', async () => {
    await iot.send(new CreateThingGroupCommand({ thingGroupName: 'probers' }));
    await iot.send(new CreateSecurityProfileCommand({ securityProfileName: 'auth', behaviors: [{ name: 'denied', metric: 'aws:num-authorization-failures', criteria: { comparisonOperator: 'less-than', value: { count: 5 } } }] }));
    await iot.send(new AttachSecurityProfileCommand({ securityProfileName: 'auth', securityProfileTargetArn: `${ARN}:thinggroup/probers` }));
    const respond = respondClient(vigil.client);
    await respond.create({ name: 'authorization-failure-burst', enabled: true, trigger: { type: 'violation', metric: 'aws:num-authorization-failures' }, steps: [{ type: 'disconnect' }, { type: 'case_note', text: '${thing} dropped' }] });

    const client = await device('prober-1');
    await iot.send(new AddThingToThingGroupCommand({ thingGroupName: 'probers', thingName: 'prober-1' }));
    const closed = new Promise<number>((resolve) => client.once('close', () => resolve(time.now())));
    // Each refused subscription is one authorization failure; the connection stays open.
    for (let i = 0; i < 6; i++) await expect(client.subscribeAsync(`not/mine/${i}`, { qos: 1 })).rejects.toThrow(/Subscribe error/);
    expect(client.connected).toBe(true);
    expect((await respond.runs('authorization-failure-burst')).runs).toEqual([]);

    // The 300 s window closes on the injected clock at its boundary; detect's tick there evaluates it.
    await time.advance(WINDOW_MS - 1000);
    await vigil.running.detect.engine.tick();
    const run = await until(async () => {
      const runs = (await respond.runs('authorization-failure-burst')).runs;
      return runs[0]?.state === 'succeeded' ? runs[0] : undefined;
    }, 'the playbook run to succeed');
    const closedAt = await closed;

    const events = await iot.send(new ListViolationEventsCommand({ startTime: new Date(time.now() - 3_600_000), endTime: new Date(time.now() + 60_000), thingName: 'prober-1' }));
    expect(events.violationEvents?.map((e) => e.violationEventType)).toEqual(['in-alarm']);
    const eventTime = events.violationEvents?.[0]?.violationEventTime?.getTime() as number;
    const ms = (iso: string | undefined): number => Date.parse(iso ?? '');
    const [disconnect, note] = run.steps as [PlaybookRunView['steps'][number], PlaybookRunView['steps'][number]];
    expect(run).toMatchObject({ thing: 'prober-1', trigger: { type: 'violation', summary: 'violation in-alarm: prober-1 auth/denied' } });
    expect(disconnect).toMatchObject({ type: 'disconnect', status: 'succeeded', attempts: 1, message: 'closed 1 connection of prober-1' });
    expect(note).toMatchObject({ status: 'succeeded', message: 'prober-1 dropped' });
    // Ordering on the one clock: in-alarm event → run triggered → disconnect done → client saw the close; all within 2 s.
    expect(ms(run.trigger.time)).toBe(eventTime);
    expect(ms(disconnect.startedAt)).toBeGreaterThanOrEqual(eventTime);
    expect(ms(disconnect.endedAt)).toBeGreaterThanOrEqual(ms(disconnect.startedAt));
    expect(ms(disconnect.endedAt) - eventTime).toBeLessThanOrEqual(2000);
    expect(closedAt - eventTime).toBeLessThanOrEqual(2000);
    expect(closedAt).toBeGreaterThanOrEqual(eventTime);
    // The broker recorded why the connection ended.
    await vigil.running.ingress.settled();
    const history = await connectionHistoryRepository(vigil.running.stores.registry).list({ limit: 5, thingName: 'prober-1' });
    expect(history.items[0]).toMatchObject({ disconnectReason: 'FORBIDDEN_ACCESS' });
    expect(vigil.running.ingress.connections().filter((c) => c.name === 'prober-1')).toEqual([]);
  });

  it('rate limit: a rule matching 50 things within a minute acts on the first 5 (its max_things_per_hour) and pauses the other 45, which resume on approve', async () => {
    const respond = respondClient(vigil.client);
    await respond.setEnabled('authorization-failure-burst', false);
    const registry = vigil.running.registry;
    await registry.things.createGroup({ groupName: 'swarm' });
    await registry.things.createGroup({ groupName: 'contained' });
    const things = Array.from({ length: 50 }, (_, i) => `swarm-${String(i).padStart(2, '0')}`);
    for (const thing of things) {
      await registry.things.createThing({ thingName: thing });
      await registry.things.addThingToGroup('swarm', thing);
    }
    await iot.send(new CreateSecurityProfileCommand({ securityProfileName: 'swarm', behaviors: [{ name: 'swarm-denied', metric: 'aws:num-authorization-failures', criteria: { comparisonOperator: 'less-than', value: { count: 5 } } }] }));
    await iot.send(new AttachSecurityProfileCommand({ securityProfileName: 'swarm', securityProfileTargetArn: `${ARN}:thinggroup/swarm` }));
    await respond.create({ name: 'contain-swarm', enabled: true, trigger: { type: 'violation', behavior: 'swarm-denied' }, limits: { max_things_per_hour: 5 }, steps: [{ type: 'add_to_group', group: 'contained' }] });

    // 50 things each cross the behavior in the same window: 50 in-alarm events at one instant.
    const start = time.now();
    for (const thing of things) for (let i = 0; i < 6; i++) vigil.running.detect.engine.cloud({ metric: 'aws:num-authorization-failures', thingName: thing, registered: true, timestamp: start, value: 1 });
    await time.advance(WINDOW_MS);
    await vigil.running.detect.engine.tick();
    const runs = await until(async () => {
      const page = await respond.runs('contain-swarm', { limit: 100 });
      return page.runs.length === 50 && page.runs.every((r) => r.state === 'succeeded' || r.state === 'paused_rate_limit') ? page.runs : undefined;
    }, '50 runs admitted');
    await vigil.running.respond.idle();
    const acted = runs.filter((r) => r.state === 'succeeded');
    const paused = runs.filter((r) => r.state === 'paused_rate_limit');
    expect([acted.length, paused.length]).toEqual([5, 45]);
    expect(Math.max(...runs.map((r) => Date.parse(r.createdAt))) - Math.min(...runs.map((r) => Date.parse(r.createdAt)))).toBeLessThan(60_000);
    // The first five admitted acted: every paused run was admitted after all of them.
    const admittedLast = Math.max(...acted.map((r) => Date.parse(r.createdAt)));
    expect(paused.every((r) => Date.parse(r.createdAt) >= admittedLast)).toBe(true);
    const members = async (): Promise<string[]> => (await registry.things.listThingsInGroup('contained', {})).items.slice().sort();
    expect(await members()).toEqual(acted.map((r) => r.thing).sort());
    expect(paused[0]).toMatchObject({ approval: { reason: 'rate_limit', default: 'deny' }, steps: [{ status: 'pending' }] });
    expect(vigil.logs.filter((l) => l.includes('"event":"playbook_run"') && l.includes('paused_rate_limit')).length).toBeGreaterThanOrEqual(45);

    // Asked and answered: an approved paused run goes on; a denied one skips its steps.
    const [yes, no] = paused as [PlaybookRunView, PlaybookRunView];
    await respond.approve(yes.id, 'soc');
    await vigil.running.respond.idle();
    expect((await respond.getRun(yes.id)).state).toBe('succeeded');
    expect(await members()).toEqual([...acted.map((r) => r.thing), yes.thing].sort());
    expect((await respond.deny(no.id)).steps.map((st) => st.status)).toEqual(['skipped']);
    expect(await members()).not.toContain(no.thing);
  });
});
