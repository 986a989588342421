import { Encoder } from 'cbor-x';
import fc from 'fast-check';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportDocument, type MetricReport } from '../../src/protocol/index.js';
import { startTestVigil, type TestVigil } from '../support/vigil.js';
import { FUZZ, describeProblems, duckdbMemoryMb, hostileJson, hostileString, nestedJson, memoryProblem, runFuzz, timeoutFor, type CaseResult } from './fuzz-support.js';

/**
 * Device Defender reports over real MQTT (TLS, a registered device): valid reports in both key
 * styles, reports with one field broken, random JSON and CBOR, deep nesting, random bytes, as JSON
 * and as CBOR. Every publish must get exactly one answer, on /accepted or on /rejected with an
 * ErrorCode and message, and the device must stay connected.
 */

const THING = 'fuzz-device';
const MAX_PAYLOAD = 120_000;
const cbor = new Encoder({ useRecords: false, mapsAsObjects: true, tagUint8Array: false } as ConstructorParameters<typeof Encoder>[0]);

let vigil: TestVigil;
let client: MqttClient;
const answers: Array<{ topic: string; payload: Buffer }> = [];
let waiting: (() => void) | undefined;

beforeAll(async () => {
  vigil = await startTestVigil({ log: { level: 'error' }, mqtt: { reports: { min_report_interval_secs: 0 } } });
  const registry = vigil.running.registry;
  await registry.things.createThing({ thingName: THING });
  const issued = await registry.certificates.createKeysAndCertificate(true, THING);
  const arn = registry.arns.cert(issued.certificate.certificateId);
  await registry.certificates.attachThingPrincipal(THING, arn, undefined);
  await registry.policies.attachPolicy(registry.defaultPolicyName, arn);
  client = await mqtt.connectAsync(vigil.running.endpoints['mqtt'] as string, { clientId: THING, protocolVersion: 4, key: issued.privateKeyPem, cert: issued.certificate.certificatePem, ca: registry.server.caPem, reconnectPeriod: 0, connectTimeout: 10_000 });
  // Small request/answer packets: without this, Nagle's algorithm holds each publish ~40 ms.
  (client.stream as unknown as { setNoDelay?: (on: boolean) => void }).setNoDelay?.(true);
  await client.subscribeAsync([`$aws/things/${THING}/defender/metrics/json/+`, `$aws/things/${THING}/defender/metrics/cbor/+`], { qos: 1 });
  client.on('message', (topic, payload) => {
    answers.push({ topic, payload });
    waiting?.();
  });
}, 60_000);
afterAll(async () => {
  await client?.endAsync();
  await vigil?.stop();
});

// Fresh reports take increasing ids above every random one, so that they can be accepted.
let nextId = 2 ** 41;
const port = fc.integer({ min: 0, max: 65_535 });
const report: fc.Arbitrary<MetricReport> = fc.record(
  {
    header: fc.record({ reportId: fc.oneof(fc.constant(-1), fc.integer({ min: 1, max: 2 ** 40 })), version: fc.constantFrom('1.0', '1.1', '2.0') }),
    metrics: fc.record(
      {
        listeningTcpPorts: fc.record({ ports: fc.array(fc.record({ port, interface: fc.constantFrom('eth0', 'wlan0') }, { requiredKeys: ['port'] }), { maxLength: 8 }), total: fc.nat({ max: 20 }) }, { requiredKeys: [] }),
        listeningUdpPorts: fc.record({ ports: fc.array(fc.record({ port }), { maxLength: 8 }), total: fc.nat({ max: 20 }) }, { requiredKeys: [] }),
        networkStats: fc.record({ bytesIn: fc.nat(), bytesOut: fc.nat(), packetsIn: fc.nat(), packetsOut: fc.nat() }, { requiredKeys: [] }),
        tcpConnections: fc.record({ establishedConnections: fc.record({ connections: fc.array(fc.record({ remoteAddr: fc.tuple(fc.ipV4(), port).map(([ip, p]) => `${ip}:${p}`), localPort: port, localInterface: fc.constant('eth0') }, { requiredKeys: ['remoteAddr'] }), { maxLength: 6 }), total: fc.nat({ max: 20 }) }, { requiredKeys: [] }) }),
      },
      { requiredKeys: [] },
    ),
    customMetrics: fc.dictionary(fc.stringMatching(/^[a-zA-Z0-9:_-]{1,20}$/), fc.oneof(fc.record({ type: fc.constant('number' as const), value: fc.double({ noNaN: true, noDefaultInfinity: true }) }), fc.record({ type: fc.constant('number-list' as const), value: fc.array(fc.double({ noNaN: true, noDefaultInfinity: true }), { maxLength: 5 }) }), fc.record({ type: fc.constant('string-list' as const), value: fc.array(fc.string(), { maxLength: 5 }) }), fc.record({ type: fc.constant('ip-address-list' as const), value: fc.array(fc.ipV4(), { maxLength: 5 }) })), { maxKeys: 4 }),
  },
  { requiredKeys: ['header'] },
) as fc.Arbitrary<MetricReport>;

type Wire = Record<string, unknown>;

/** Replaces or deletes the value at one random path of a document. */
function mutate(document: Wire, pathSeed: number, replacement: unknown, remove: boolean): Wire {
  const copy = structuredClone(document);
  const containers: Array<[Wire | unknown[], string | number]> = [];
  const stack: unknown[] = [copy];
  while (stack.length > 0) {
    const node = stack.pop();
    if (typeof node !== 'object' || node === null) continue;
    for (const [key, child] of Object.entries(node)) {
      containers.push([node as Wire, Array.isArray(node) ? Number(key) : key]);
      stack.push(child);
    }
  }
  if (containers.length === 0) return copy;
  const [parent, key] = containers[pathSeed % containers.length] as [Wire, string];
  if (remove && !Array.isArray(parent)) delete parent[key];
  else parent[key] = replacement;
  return copy;
}

interface ReportCase {
  readonly format: 'json' | 'cbor';
  readonly payload: Uint8Array;
  readonly kind: string;
}

const document: fc.Arbitrary<{ kind: string; value: unknown }> = fc.oneof(
  { weight: 3, arbitrary: fc.tuple(report, fc.constantFrom<'long' | 'short'>('long', 'short'), fc.boolean()).map(([r, keys, fresh]) => ({ kind: `valid-${keys}`, value: reportDocument(fresh ? { ...r, header: { ...r.header, reportId: nextId++ } } : r, keys) })) },
  { weight: 4, arbitrary: fc.tuple(report, fc.constantFrom<'long' | 'short'>('long', 'short'), fc.nat(), hostileJson(), fc.boolean()).map(([r, keys, at, value, remove]) => ({ kind: 'mutated', value: mutate(reportDocument({ ...r, header: { ...r.header, reportId: nextId++ } }, keys) as Wire, at, value, remove) })) },
  { weight: 1, arbitrary: hostileJson().map((value) => ({ kind: 'random', value })) },
);

const reportCase: fc.Arbitrary<ReportCase> = fc.oneof(
  { weight: 8, arbitrary: fc.tuple(document, fc.constantFrom<'json' | 'cbor'>('json', 'cbor')).map(([d, format]) => ({ format, kind: d.kind, payload: format === 'json' ? Buffer.from(JSON.stringify(d.value) ?? 'null') : (cbor.encode(d.value) as Uint8Array) })) },
  { weight: 1, arbitrary: fc.tuple(fc.integer({ min: 1, max: 100_000 }), fc.constantFrom<'array' | 'object'>('array', 'object')).map(([depth, k]) => ({ format: 'json' as const, kind: 'deep-json', payload: Buffer.from(`{"header":{"reportId":1,"version":"1.0"},"metrics":${nestedJson(depth, k)}}`) })) },
  // CBOR nesting: 0x81 is "array of one"; 0xa1 0x61 0x61 is "map of one, key 'a'".
  { weight: 1, arbitrary: fc.tuple(fc.integer({ min: 1, max: 40_000 }), fc.boolean()).map(([depth, map]) => ({ format: 'cbor' as const, kind: 'deep-cbor', payload: Buffer.concat([Buffer.alloc(depth * (map ? 3 : 1), 0).map((_v, i) => (map ? [0xa1, 0x61, 0x61][i % 3] as number : 0x81)), Buffer.from([0x01])]) })) },
  { weight: 1, arbitrary: fc.tuple(fc.uint8Array({ maxLength: 2000 }), fc.constantFrom<'json' | 'cbor'>('json', 'cbor')).map(([bytes, format]) => ({ format, kind: 'bytes', payload: bytes })) },
  { weight: 1, arbitrary: hostileString(5000).map((text) => ({ format: 'json' as const, kind: 'text', payload: Buffer.from(text) })) },
).map((c) => (c.payload.byteLength > MAX_PAYLOAD ? { ...c, payload: c.payload.subarray(0, MAX_PAYLOAD) } : c));

async function publish(c: ReportCase): Promise<CaseResult> {
  if (!client.connected) return { outcome: 'disconnected', problem: { kind: 'disconnected', detail: 'the device lost its connection' } };
  const before = answers.length;
  await client.publishAsync(`$aws/things/${THING}/defender/metrics/${c.format}`, Buffer.from(c.payload), { qos: 1 });
  const deadline = Date.now() + 10_000;
  while (answers.length === before && Date.now() < deadline) await new Promise<void>((resolve) => {
    waiting = resolve;
    setTimeout(resolve, 200);
  });
  if (answers.length === before) return { outcome: 'no-answer', problem: { kind: 'no-answer', detail: `no answer in 10 s (connected: ${client.connected})` } };
  const answer = answers.splice(0)[0] as { topic: string; payload: Buffer };
  if (!answer.topic.startsWith(`$aws/things/${THING}/defender/metrics/${c.format}/`)) return { outcome: 'wrong-topic', problem: { kind: 'wrong-topic', detail: answer.topic } };
  const decoded = (c.format === 'json' ? JSON.parse(answer.payload.toString()) : cbor.decode(answer.payload)) as { status?: string; statusDetails?: { ErrorCode?: string; ErrorMessage?: string } };
  if (decoded.status === 'ACCEPTED') return { outcome: `${c.kind}:accepted` };
  const code = decoded.statusDetails?.ErrorCode;
  if (decoded.status !== 'REJECTED' || typeof code !== 'string' || code === '' || typeof decoded.statusDetails?.ErrorMessage !== 'string') {
    return { outcome: 'unclear', problem: { kind: 'unclear', detail: JSON.stringify(decoded).slice(0, 200) } };
  }
  return { outcome: `${c.kind}:${code}` };
}

describe(`Device Defender report fuzz over MQTT (${FUZZ.cases} reports, seed ${FUZZ.seed})`, () => {
  it('answers every generated report once, on /accepted or /rejected with an error code, and keeps the device connected', async () => {
    const summary = await runFuzz('reports', reportCase, publish, {
      show: (c) => `${c.format} ${c.kind} ${Buffer.from(c.payload).subarray(0, 300).toString(c.format === 'json' ? 'utf8' : 'hex')} (${c.payload.byteLength} bytes)`,
      duckMb: () => duckdbMemoryMb(vigil.running.stores.events),
      warmup: async () => {
        for (const c of fc.sample(reportCase, { numRuns: Math.min(2000, Math.max(100, FUZZ.cases / 10)), seed: FUZZ.seed + 1 })) await publish(c);
      },
    });
    expect(summary.problems, describeProblems(summary)).toEqual([]);
    expect(Object.keys(summary.outcomes).some((o) => o.endsWith(':accepted'))).toBe(true);
    expect(client.connected).toBe(true);
    expect(memoryProblem(summary)).toBeUndefined();
  }, timeoutFor(10));
});
