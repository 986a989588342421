import mqttPacket from 'mqtt-packet';
import { describe, expect, it } from 'vitest';
import { Framer } from './framer.js';

function publish(bytes: number): Buffer {
  return mqttPacket.generate({ cmd: 'publish', topic: 't', payload: Buffer.alloc(bytes, 1), qos: 0, retain: false, dup: false });
}

describe('Framer', () => {
  it('reassembles packets split across reads and splits packets sharing a read', () => {
    const framer = new Framer(10_000);
    const a = publish(300);
    const b = publish(5);
    const stream = Buffer.concat([a, b]);
    expect(framer.push(stream.subarray(0, 1))).toEqual([]);
    expect(framer.push(stream.subarray(1, 2))).toEqual([]);
    expect(framer.push(stream.subarray(2, 100))).toEqual([]);
    const out = framer.push(stream.subarray(100));
    expect(out).toEqual([a, b]);
  });

  it('refuses a packet whose remaining length is over the cap as soon as the length is read, before its body', () => {
    const framer = new Framer(1000);
    const big = publish(5000);
    // Only the fixed header (1 byte + 2 length bytes) has arrived.
    expect(framer.push(big.subarray(0, 3))).toBe('too_large');
    expect(new Framer(1000).push(publish(900))).toHaveLength(1);
  });

  it('calls a remaining length longer than four bytes malformed', () => {
    expect(new Framer(Number.MAX_SAFE_INTEGER).push(Buffer.from([0x30, 0xff, 0xff, 0xff, 0xff, 0x01]))).toBe('malformed');
  });
});
