import { Decoder, Encoder } from 'cbor-x';

// stack.md §3: without int64AsNumber, 64-bit integers decode as BigInt; the option is missing from
// the .d.ts, hence the cast. Records and typed-array tags are cbor-x extensions no other peer reads.
const decoder = new Decoder({ int64AsNumber: true, mapsAsObjects: true, useRecords: false } as ConstructorParameters<typeof Decoder>[0]);
const encoder = new Encoder({ useRecords: false, mapsAsObjects: true, tagUint8Array: false } as ConstructorParameters<typeof Encoder>[0]);

/** Decodes one CBOR item; throws on malformed or trailing input (callers catch). */
export function cborDecode(bytes: Uint8Array): unknown {
  return decoder.decode(bytes) as unknown;
}

/**
 * Encodes plain data. Integers above 2^32 are passed as BigInt so that they go out as CBOR
 * unsigned integers (cbor-x would otherwise write them as float64).
 */
export function cborEncode(value: unknown): Uint8Array {
  return encoder.encode(widenIntegers(value)) as Uint8Array;
}

function widenIntegers(value: unknown): unknown {
  if (typeof value === 'number') return Number.isSafeInteger(value) && Math.abs(value) > 0xffff_ffff ? BigInt(value) : value;
  if (Array.isArray(value)) return value.map(widenIntegers);
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      if (key === '__proto__') Object.defineProperty(out, key, { value: widenIntegers(item), enumerable: true, writable: true, configurable: true });
      else out[key] = widenIntegers(item);
    }
    return out;
  }
  return value;
}
