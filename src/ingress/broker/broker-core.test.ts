import { createConnection, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import mqttPacket, { type Packet } from 'mqtt-packet';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeTime, systemClock, systemTimer } from '../../core/index.js';
import { BrokerCore, type BrokerCoreOptions, type CoreHooks } from './broker.js';
import { ReasonCode, type Message } from './message.js';

/** A raw MQTT peer: writes packets exactly as given and records every packet the broker sends. */
class RawPeer {
  readonly received: Packet[] = [];
  closed = false;
  private readonly parser;
  private readonly waiters: (() => void)[] = [];

  constructor(
    readonly socket: Socket,
    version: 4 | 5,
  ) {
    this.parser = mqttPacket.parser({ protocolVersion: version });
    this.parser.on('packet', (p: Packet) => {
      this.received.push(p);
      this.wake();
    });
    socket.on('data', (chunk: Buffer) => this.parser.parse(chunk));
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
    socket.on('error', () => undefined);
  }

  send(packet: Packet, version: 4 | 5): void {
    this.socket.write(mqttPacket.generate(packet, { protocolVersion: version }));
  }

  async until(what: string, predicate: () => boolean, timeoutMs = 3000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; got ${JSON.stringify(this.received.map((p) => p.cmd))}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
  }

  of<C extends Packet['cmd']>(cmd: C): Extract<Packet, { cmd: C }>[] {
    return this.received.filter((p): p is Extract<Packet, { cmd: C }> => p.cmd === cmd);
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }
}

const allowAll: CoreHooks = {
  authenticate: async () => ReasonCode.success,
  ready: () => undefined,
  closed: () => undefined,
  authorizePublish: () => ReasonCode.success,
  authorizeSubscribe: async () => true,
  authorizeForward: () => true,
  published: () => undefined,
};

let server: Server | undefined;
let core: BrokerCore | undefined;
const peers: RawPeer[] = [];

afterEach(async () => {
  for (const p of peers.splice(0)) p.socket.destroy();
  await core?.close();
  await new Promise<void>((resolve) => (server === undefined ? resolve() : server.close(() => resolve())));
  server = undefined;
});

async function start(overrides: Partial<Omit<BrokerCoreOptions, 'hooks'>> & { hooks?: Partial<CoreHooks> } = {}): Promise<{ limits: string[]; port: number }> {
  const limits: string[] = [];
  const { hooks, ...rest } = overrides;
  core = new BrokerCore({
    clock: systemClock,
    timer: systemTimer,
    maxRemainingLength: 4096,
    connectTimeoutMs: 5000,
    keepalive: { min: 30, max: 1200 },
    receiveMaximum: 10,
    maxQueued: 100,
    maxSessionExpirySecs: 3600,
    topicAliasMaximum: 8,
    onLimit: (limit) => limits.push(limit),
    ...rest,
    hooks: { ...allowAll, ...hooks },
  });
  const broker = core;
  server = createServer((socket) => broker.handle(socket));
  await new Promise<void>((resolve) => (server as Server).listen(0, '127.0.0.1', resolve));
  return { limits, port: (server.address() as AddressInfo).port };
}

async function peer(port: number, clientId: string, version: 4 | 5, properties: Record<string, unknown> = {}): Promise<RawPeer> {
  const socket = createConnection(port, '127.0.0.1');
  await new Promise((resolve) => socket.once('connect', resolve));
  const p = new RawPeer(socket, version);
  peers.push(p);
  p.send({ cmd: 'connect', protocolId: 'MQTT', protocolVersion: version, clientId, clean: true, keepalive: 60, ...(version === 5 ? { properties } : {}) }, version);
  await p.until('CONNACK', () => p.of('connack').length === 1);
  return p;
}

function publishPacket(topic: string, messageId: number, qos: 0 | 1 | 2 = 1): Packet {
  return { cmd: 'publish', topic, payload: Buffer.from(`m${messageId}`), qos, retain: false, dup: false, messageId };
}

describe('BrokerCore', () => {
  it('sends a v5 client no more unacknowledged QoS 1 messages than its Receive Maximum, and the next one after each PUBACK', async () => {
    const { port } = await start();
    const sub = await peer(port, 'sub', 5, { receiveMaximum: 2 });
    sub.send({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'flow/#', qos: 1 }] }, 5);
    await sub.until('SUBACK', () => sub.of('suback').length === 1);
    const pub = await peer(port, 'pub', 5);
    for (let i = 1; i <= 5; i++) pub.send(publishPacket(`flow/${i}`, i), 5);
    await pub.until('5 PUBACKs', () => pub.of('puback').length === 5);
    await sub.until('2 PUBLISH', () => sub.of('publish').length === 2);
    await new Promise((r) => setTimeout(r, 200));
    expect(sub.of('publish').map((p) => p.topic)).toEqual(['flow/1', 'flow/2']);
    sub.send({ cmd: 'puback', messageId: sub.of('publish')[0]?.messageId as number, reasonCode: 0 }, 5);
    await sub.until('3rd PUBLISH', () => sub.of('publish').length === 3);
    await new Promise((r) => setTimeout(r, 200));
    expect(sub.of('publish').map((p) => p.topic)).toEqual(['flow/1', 'flow/2', 'flow/3']);
  });

  it('tells a v5 client the server Receive Maximum and disconnects it with 0x93 when it exceeds it', async () => {
    let release: () => void = () => undefined;
    const held = new Promise<number>((resolve) => (release = () => resolve(ReasonCode.success)));
    const { port } = await start({ receiveMaximum: 2, hooks: { authorizePublish: () => held } });
    const pub = await peer(port, 'pub', 5);
    expect(pub.of('connack')[0]?.properties?.receiveMaximum).toBe(2);
    expect(pub.of('connack')[0]?.properties?.maximumQoS).toBe(1);
    for (let i = 1; i <= 3; i++) pub.send(publishPacket('t', i), 5);
    await pub.until('DISCONNECT', () => pub.of('disconnect').length === 1);
    expect(pub.of('disconnect')[0]?.reasonCode).toBe(ReasonCode.receiveMaximumExceeded);
    release();
  });

  it('closes a connection whose packet announces more than the cap before the body arrives, counting max_payload', async () => {
    const { port, limits } = await start({ maxRemainingLength: 1000 });
    const pub = await peer(port, 'pub', 4);
    const big = mqttPacket.generate({ cmd: 'publish', topic: 't', payload: Buffer.alloc(50_000), qos: 0, retain: false, dup: false });
    pub.socket.write(big.subarray(0, 4));
    await pub.until('close', () => pub.closed);
    expect(limits).toEqual(['max_payload']);
  });

  it('refuses QoS 2: v5 gets DISCONNECT 0x9B, 3.1.1 is closed', async () => {
    const { port } = await start();
    const v5 = await peer(port, 'v5', 5);
    v5.send(publishPacket('t', 1, 2), 5);
    await v5.until('DISCONNECT', () => v5.of('disconnect').length === 1);
    expect(v5.of('disconnect')[0]?.reasonCode).toBe(ReasonCode.qosNotSupported);
    const v4 = await peer(port, 'v4', 4);
    v4.send(publishPacket('t', 1, 2), 4);
    await v4.until('close', () => v4.closed);
    expect(v4.of('disconnect')).toHaveLength(0);
  });

  it('answers a denied QoS 1 publish with PUBACK 0x87 on v5 (the connection stays) and closes a 3.1.1 one', async () => {
    const routed: Message[] = [];
    const { port } = await start({ hooks: { authorizePublish: (_c, m) => (m.topic === 'no' ? ReasonCode.notAuthorized : ReasonCode.success), published: (m) => void routed.push(m) } });
    const v5 = await peer(port, 'v5', 5);
    v5.send(publishPacket('no', 1), 5);
    v5.send(publishPacket('yes', 2), 5);
    await v5.until('2 PUBACKs', () => v5.of('puback').length === 2);
    expect(v5.of('puback').map((p) => [p.messageId, p.reasonCode])).toEqual([
      [1, ReasonCode.notAuthorized],
      [2, ReasonCode.success],
    ]);
    expect(v5.closed).toBe(false);
    expect(routed.map((m) => m.topic)).toEqual(['yes']);
    const v4 = await peer(port, 'v4', 4);
    v4.send(publishPacket('no', 1), 4);
    await v4.until('close', () => v4.closed);
    expect(v4.of('puback')).toHaveLength(0);
  });

  it('resolves client topic aliases, refuses one above Topic Alias Maximum with 0x94', async () => {
    const routed: string[] = [];
    const { port } = await start({ topicAliasMaximum: 2, hooks: { published: (m) => void routed.push(m.topic) } });
    const v5 = await peer(port, 'v5', 5);
    expect(v5.of('connack')[0]?.properties?.topicAliasMaximum).toBe(2);
    v5.send({ cmd: 'publish', topic: 'long/topic/name', payload: Buffer.from('a'), qos: 1, retain: false, dup: false, messageId: 1, properties: { topicAlias: 1 } }, 5);
    v5.send({ cmd: 'publish', topic: '', payload: Buffer.from('b'), qos: 1, retain: false, dup: false, messageId: 2, properties: { topicAlias: 1 } }, 5);
    await v5.until('2 PUBACKs', () => v5.of('puback').length === 2);
    expect(routed).toEqual(['long/topic/name', 'long/topic/name']);
    v5.send({ cmd: 'publish', topic: 'x', payload: Buffer.from('c'), qos: 0, retain: false, dup: false, properties: { topicAlias: 3 } }, 5);
    await v5.until('DISCONNECT', () => v5.of('disconnect').length === 1);
    expect(v5.of('disconnect')[0]?.reasonCode).toBe(ReasonCode.topicAliasInvalid);
  });

  it('enforces the connect timeout and 1.5 × keep-alive with one sweep on the injected timer: never early, and any packet counts as activity', async () => {
    const time = new FakeTime();
    const { port, limits } = await start({ clock: time, timer: time, connectTimeoutMs: 5000 });
    const quiet = await peer(port, 'quiet', 5);
    const chatty = await peer(port, 'chatty', 4);
    const silentSocket = createConnection(port, '127.0.0.1');
    await new Promise((resolve) => silentSocket.once('connect', resolve));
    const silent = new RawPeer(silentSocket, 4);
    peers.push(silent);
    // The broker takes the silent socket once its accept has run (no packet says so): give it that turn.
    await new Promise((resolve) => setTimeout(resolve, 100));
    await time.advance(4000);
    expect(silent.closed).toBe(false);
    await time.advance(2000);
    await silent.until('connect timeout', () => silent.closed);
    expect(limits).toEqual(['connect_timeout']);
    const ping = async (): Promise<void> => {
      const before = chatty.of('pingresp').length;
      chatty.send({ cmd: 'pingreq' }, 4);
      await chatty.until('PINGRESP', () => chatty.of('pingresp').length === before + 1);
    };
    // keepalive 60 s: nothing heard from `quiet` for 90 s closes it; `chatty` pings every 20 s.
    for (let elapsed = 6000; elapsed < 86_000; elapsed += 20_000) {
      await ping();
      await time.advance(20_000);
    }
    expect(quiet.of('disconnect')).toEqual([]);
    await ping();
    await time.advance(8000);
    await quiet.until('keep-alive DISCONNECT', () => quiet.of('disconnect').length === 1);
    expect(quiet.of('disconnect')[0]?.reasonCode).toBe(ReasonCode.keepAliveTimeout);
    await ping();
    expect(chatty.closed).toBe(false);
  });

  it('parses every connection with one parser: v5 and 3.1.1 packets in turn keep their own versions, and a malformed packet closes only its sender', async () => {
    const routed: Message[] = [];
    const { port } = await start({ hooks: { published: (m) => void routed.push(m) } });
    const v5 = await peer(port, 'v5', 5);
    const v4 = await peer(port, 'v4', 4);
    const round = async (i: number): Promise<void> => {
      v5.send({ cmd: 'publish', topic: `five/${i}`, payload: Buffer.from('x'), qos: 1, retain: false, dup: false, messageId: i, properties: { contentType: 'text/plain' } }, 5);
      v4.send(publishPacket(`four/${i}`, i), 4);
      await v5.until(`PUBACK ${i} (v5)`, () => v5.of('puback').length === i);
      await v4.until(`PUBACK ${i} (3.1.1)`, () => v4.of('puback').length === i);
    };
    await round(1);
    await round(2);
    const bad = await peer(port, 'bad', 4);
    // PUBLISH whose topic claims 5 bytes where 1 follows.
    bad.socket.write(Buffer.from([0x30, 0x03, 0x00, 0x05, 0x61]));
    await bad.until('close', () => bad.closed);
    await round(3);
    expect(routed.map((m) => m.topic)).toEqual(['five/1', 'four/1', 'five/2', 'four/2', 'five/3', 'four/3']);
    expect(routed.filter((m) => m.topic.startsWith('five/')).map((m) => m.properties.contentType)).toEqual(['text/plain', 'text/plain', 'text/plain']);
    expect(routed.filter((m) => m.topic.startsWith('four/')).map((m) => m.payload.toString())).toEqual(['m1', 'm2', 'm3']);
  });

  it('keeps retained messages for new subscribers (not for shared ones) and clears one with an empty payload', async () => {
    const { port } = await start();
    const pub = await peer(port, 'pub', 5);
    pub.send({ cmd: 'publish', topic: 'r/1', payload: Buffer.from('kept'), qos: 1, retain: true, dup: false, messageId: 1 }, 5);
    pub.send({ cmd: 'publish', topic: 'r/2', payload: Buffer.from('gone'), qos: 1, retain: true, dup: false, messageId: 2 }, 5);
    pub.send({ cmd: 'publish', topic: 'r/2', payload: Buffer.alloc(0), qos: 1, retain: true, dup: false, messageId: 3 }, 5);
    await pub.until('3 PUBACKs', () => pub.of('puback').length === 3);
    const sub = await peer(port, 'sub', 5);
    sub.send({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'r/+', qos: 1 }, { topic: '$share/g/r/+', qos: 1 }] }, 5);
    await sub.until('retained', () => sub.of('publish').length === 1);
    await new Promise((r) => setTimeout(r, 200));
    expect(sub.of('publish').map((p) => [p.topic, String(p.payload), p.retain])).toEqual([['r/1', 'kept', true]]);
  });
});

describe('BrokerCore in cluster mode', () => {
  it('tells its remote link of accepted messages and of each filter gained or lost, and routes a remote message to local subscribers only', async () => {
    const published: string[] = [];
    const { port } = await start({ hooks: { published: (m) => void published.push(`hook:${m.topic}`) } });
    const interest: string[] = [];
    const broker = core as BrokerCore;
    broker.remote = { published: (m) => void published.push(`remote:${m.topic}`), interest: (filter, on) => void interest.push(`${on ? '+' : '-'}${filter}`) };
    const sub = await peer(port, 'sub', 5);
    sub.send({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'a/#', qos: 1 }, { topic: '$share/g/a/#', qos: 1 }] }, 5);
    await sub.until('SUBACK', () => sub.of('suback').length === 1);
    sub.send({ cmd: 'subscribe', messageId: 2, subscriptions: [{ topic: 'a/#', qos: 0 }] }, 5);
    await sub.until('2nd SUBACK', () => sub.of('suback').length === 2);
    expect(interest).toEqual(['+a/#', '+$share/g/a/#']);
    const pub = await peer(port, 'pub', 5);
    pub.send(publishPacket('a/1', 1), 5);
    await sub.until('the local publish', () => sub.of('publish').length === 1);
    // The shared group is the cluster's to serve: the local route gave only the plain subscription.
    expect(published).toEqual(['hook:a/1', 'remote:a/1']);
    broker.deliverRemote({ topic: 'a/2', payload: Buffer.from('r'), qos: 1, retain: false, properties: {} });
    broker.deliverShared('$share/g/a/#', { topic: 'a/3', payload: Buffer.from('s'), qos: 1, retain: false, properties: {} });
    await sub.until('the remote and shared messages', () => sub.of('publish').length === 3);
    expect(sub.of('publish').map((p) => p.topic)).toEqual(['a/1', 'a/2', 'a/3']);
    // A remote message is not accepted again here: no hook, nothing back to the cluster.
    expect(published).toEqual(['hook:a/1', 'remote:a/1']);
    sub.send({ cmd: 'unsubscribe', messageId: 3, unsubscriptions: ['a/#'] }, 5);
    await sub.until('UNSUBACK', () => sub.of('unsuback').length === 1);
    sub.socket.end(mqttPacket.generate({ cmd: 'disconnect' }, { protocolVersion: 5 }));
    await sub.until('the end of the session', () => interest.length === 4);
    expect(interest).toEqual(['+a/#', '+$share/g/a/#', '-a/#', '-$share/g/a/#']);
  });

  it('releases a persistent session to another node (0x8E, subscriptions and queued messages) and adopts one before CONNACK', async () => {
    const { port } = await start();
    const broker = core as BrokerCore;
    const old = await peer(port, 'roamer', 5);
    expect(broker.release('nobody')).toBeUndefined();
    // A clean session has nothing to carry, but its connection closes all the same.
    expect(broker.release('roamer')).toBeUndefined();
    await old.until('DISCONNECT 0x8E', () => old.of('disconnect')[0]?.reasonCode === ReasonCode.sessionTakenOver);

    const socket = createConnection(port, '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    const persistent = new RawPeer(socket, 5);
    peers.push(persistent);
    persistent.send({ cmd: 'connect', protocolId: 'MQTT', protocolVersion: 5, clientId: 'keeper', clean: false, keepalive: 60, properties: { sessionExpiryInterval: 600 } }, 5);
    await persistent.until('CONNACK', () => persistent.of('connack').length === 1);
    persistent.send({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'k/+', qos: 1, rap: true }] }, 5);
    await persistent.until('SUBACK', () => persistent.of('suback').length === 1);
    persistent.socket.destroy();
    await persistent.until('closed', () => persistent.closed);
    await new Promise((r) => setTimeout(r, 50));
    broker.deliverRemote({ topic: 'k/1', payload: Buffer.from('queued'), qos: 1, retain: false, properties: {} });
    const carried = broker.release('keeper');
    expect(carried?.subscriptions).toEqual([['k/+', { qos: 1, noLocal: false, retainAsPublished: true, retainHandling: 0 }]]);
    expect(carried?.queued.map((m) => m.payload.toString())).toEqual(['queued']);
    expect(broker.subscriptionCount).toBe(0);

    broker.adopt('keeper', carried?.subscriptions ?? [], carried?.queued ?? []);
    const back = createConnection(port, '127.0.0.1');
    await new Promise((resolve) => back.once('connect', resolve));
    const moved = new RawPeer(back, 5);
    peers.push(moved);
    moved.send({ cmd: 'connect', protocolId: 'MQTT', protocolVersion: 5, clientId: 'keeper', clean: false, keepalive: 60, properties: { sessionExpiryInterval: 600 } }, 5);
    await moved.until('CONNACK', () => moved.of('connack').length === 1);
    expect(moved.of('connack')[0]?.sessionPresent).toBe(true);
    await moved.until('the queued message', () => moved.of('publish').length === 1);
    broker.deliverRemote({ topic: 'k/2', payload: Buffer.from('live'), qos: 1, retain: false, properties: {} });
    await moved.until('a message on the carried subscription', () => moved.of('publish').length === 2);
    expect(moved.of('publish').map((p) => p.payload.toString())).toEqual(['queued', 'live']);
  });
});
