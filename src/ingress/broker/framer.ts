/**
 * Splits a byte stream into whole MQTT packets (fixed header + remaining length + body). The
 * remaining length is checked against the cap as soon as it is read, so an oversized packet is
 * refused before its body is buffered (mqtt-packet's parser has no size limit for 3.1.1).
 */
export class Framer {
  private chunks: Buffer[] = [];
  private buffered = 0;

  constructor(private readonly maxRemainingLength: number) {}

  /**
   * Appends bytes and returns the complete packets now available; `too_large` when a packet
   * announces a remaining length above the cap, `malformed` for a length longer than 4 bytes.
   */
  push(chunk: Buffer): Buffer[] | 'too_large' | 'malformed' {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    const packets: Buffer[] = [];
    for (;;) {
      const header = this.peekHeader();
      if (header === undefined) break;
      if (header === 'malformed') return header;
      const [headerBytes, remaining] = header;
      if (remaining > this.maxRemainingLength) return 'too_large';
      const total = headerBytes + remaining;
      if (this.buffered < total) break;
      packets.push(this.take(total));
    }
    return packets;
  }

  /** [fixed header length, remaining length] once both are buffered. */
  private peekHeader(): [number, number] | 'malformed' | undefined {
    if (this.buffered < 2) return undefined;
    let value = 0;
    let multiplier = 1;
    for (let i = 1; i <= 4; i++) {
      if (i >= this.buffered) return undefined;
      const byte = this.byteAt(i);
      value += (byte & 0x7f) * multiplier;
      if ((byte & 0x80) === 0) return [i + 1, value];
      multiplier *= 128;
    }
    return 'malformed';
  }

  private byteAt(index: number): number {
    let offset = index;
    for (const chunk of this.chunks) {
      if (offset < chunk.length) return chunk[offset] as number;
      offset -= chunk.length;
    }
    return 0;
  }

  private take(bytes: number): Buffer {
    const first = this.chunks[0] as Buffer;
    let packet: Buffer;
    if (first.length >= bytes) {
      packet = first.subarray(0, bytes);
      if (first.length === bytes) this.chunks.shift();
      else this.chunks[0] = first.subarray(bytes);
    } else {
      const all = Buffer.concat(this.chunks, this.buffered);
      packet = all.subarray(0, bytes);
      this.chunks = all.length === bytes ? [] : [all.subarray(bytes)];
    }
    this.buffered -= bytes;
    return packet;
  }
}
