import { describe, expect, it } from 'vitest';
import type { BridgedMessage } from '../model/index.js';
import { decodeFrame, decodeSession, encodeFrame, encodeSession } from './mqtt-frame.js';

const message: BridgedMessage = {
  topic: 'a/b',
  payload: Buffer.from([0, 1, 2, 0xff]),
  qos: 1,
  retain: true,
  properties: { payloadFormatIndicator: false, contentType: 'application/octet-stream', responseTopic: 'r/t', correlationData: Buffer.from('corr'), userProperties: { k: 'v', many: ['1', '2'] } },
  expiresAt: 10_000,
};

describe('messages between nodes', () => {
  it('carry the payload byte for byte, QoS, retain and every MQTT 5 property', () => {
    const frame = decodeFrame(encodeFrame(message, 'node-1', 7, 1_000, 'left'), 'a/b', 1_000);
    expect(frame).toEqual({ origin: 'node-1', seq: 7, message });
  });

  it('count a live message\'s expiry from the time left when it was sent (the receiver\'s clock may differ); a stored one keeps its clock time', () => {
    const live = encodeFrame(message, 'n', 1, 4_000, 'left');
    expect(decodeFrame(live, 'a/b', 500_000)?.message.expiresAt).toBe(506_000);
    const stored = encodeFrame(message, 'n', 1, 4_000, 'absolute');
    expect(decodeFrame(stored, 'a/b', 500_000)?.message.expiresAt).toBe(10_000);
  });

  it('leave out what a message does not have (a 3.1.1 message has no properties)', () => {
    const plain: BridgedMessage = { topic: 't', payload: Buffer.from('x'), qos: 0, retain: false, properties: {} };
    expect(decodeFrame(encodeFrame(plain, 'n', 1, 0, 'left'), 't', 0)?.message).toEqual(plain);
  });

  it('refuse bytes that are not a frame', () => {
    expect(decodeFrame(Buffer.from([0, 0]), 't', 0)).toBeUndefined();
    expect(decodeFrame(Buffer.from([0, 0, 0, 50, 1]), 't', 0)).toBeUndefined();
    expect(decodeFrame(Buffer.concat([Buffer.from([0, 0, 0, 2]), Buffer.from('{x')]), 't', 0)).toBeUndefined();
    expect(decodeFrame(Buffer.concat([Buffer.from([0, 0, 0, 2]), Buffer.from('{}')]), 't', 0)).toBeUndefined();
  });

  it('hand a persistent session over with its subscriptions and queued messages', () => {
    const session = { subscriptions: [{ filter: 'x/#', qos: 1 as const, noLocal: false, retainAsPublished: true, retainHandling: 2 as const }], queued: [{ ...message, retain: false }] };
    const carried = decodeSession(JSON.parse(JSON.stringify(encodeSession(session, 'n', 1_000))), 1_000);
    expect(carried).toEqual(session);
    expect(decodeSession(null, 0)).toBeUndefined();
    expect(decodeSession({ subscriptions: 'no' }, 0)).toBeUndefined();
  });
});
