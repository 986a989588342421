/** One row of `/proc/net/{tcp,tcp6,udp,udp6}`. Addresses are text; IPv4-mapped IPv6 is given as IPv4. */
export interface SocketEntry {
  readonly protocol: 'tcp' | 'udp';
  readonly localAddress: string;
  readonly localPort: number;
  readonly remoteAddress: string;
  readonly remotePort: number;
  /** Kernel state number: TCP 0x01 ESTABLISHED, 0x0A LISTEN; UDP 0x07 unconnected, 0x01 connected. */
  readonly state: number;
}

export const TCP_ESTABLISHED = 0x01;
export const TCP_LISTEN = 0x0a;
export const UDP_UNCONNECTED = 0x07;

/**
 * Parses the text of `/proc/net/tcp`, `tcp6`, `udp` or `udp6`. The kernel prints each 32-bit word of
 * an address in host byte order, so on a little-endian machine (`littleEndian`, the default) the
 * bytes of each word come reversed. Lines that do not parse are skipped.
 */
export function parseProcNetSockets(text: string, protocol: 'tcp' | 'udp', littleEndian = true): SocketEntry[] {
  const entries: SocketEntry[] = [];
  const lines = text.split('\n');
  for (let i = 1; i < lines.length; i++) {
    const fields = (lines[i] ?? '').trim().split(/\s+/);
    if (fields.length < 4) continue;
    const local = parseEndpoint(fields[1] ?? '', littleEndian);
    const remote = parseEndpoint(fields[2] ?? '', littleEndian);
    const state = Number.parseInt(fields[3] ?? '', 16);
    if (local === undefined || remote === undefined || Number.isNaN(state)) continue;
    entries.push({ protocol, localAddress: local.address, localPort: local.port, remoteAddress: remote.address, remotePort: remote.port, state });
  }
  return entries;
}

function parseEndpoint(text: string, littleEndian: boolean): { address: string; port: number } | undefined {
  const [hexAddress, hexPort] = text.split(':');
  if (hexAddress === undefined || hexPort === undefined || !/^[0-9A-Fa-f]{4}$/.test(hexPort)) return undefined;
  if (!/^([0-9A-Fa-f]{8}|[0-9A-Fa-f]{32})$/.test(hexAddress)) return undefined;
  const bytes = new Uint8Array(hexAddress.length / 2);
  for (let word = 0; word < bytes.length / 4; word++) {
    for (let b = 0; b < 4; b++) {
      const source = littleEndian ? 3 - b : b;
      bytes[word * 4 + b] = Number.parseInt(hexAddress.slice(word * 8 + source * 2, word * 8 + source * 2 + 2), 16);
    }
  }
  return { address: formatAddress(bytes), port: Number.parseInt(hexPort, 16) };
}

/** 4 bytes → dotted IPv4; 16 bytes → RFC 5952 IPv6, except IPv4-mapped (`::ffff:a.b.c.d`) → IPv4. */
export function formatAddress(bytes: Uint8Array): string {
  if (bytes.length === 4) return bytes.join('.');
  const mapped = bytes.subarray(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff;
  if (mapped) return Array.from(bytes.subarray(12)).join('.');
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0));
  let bestStart = -1;
  let bestLength = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) [bestStart, bestLength] = [i, j - i];
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestLength < 2) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}

/** Cumulative counters of one interface, from `/proc/net/dev`. */
export interface InterfaceCounters {
  readonly name: string;
  readonly bytesIn: number;
  readonly packetsIn: number;
  readonly bytesOut: number;
  readonly packetsOut: number;
}

/** Parses `/proc/net/dev` (two header lines, then `name: 8 receive columns, 8 transmit columns`). */
export function parseProcNetDev(text: string): InterfaceCounters[] {
  const out: InterfaceCounters[] = [];
  for (const line of text.split('\n').slice(2)) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const name = line.slice(0, colon).trim();
    const columns = line.slice(colon + 1).trim().split(/\s+/).map(Number);
    if (name === '' || columns.length < 16 || columns.some((n) => !Number.isFinite(n))) continue;
    out.push({ name, bytesIn: columns[0] ?? 0, packetsIn: columns[1] ?? 0, bytesOut: columns[8] ?? 0, packetsOut: columns[9] ?? 0 });
  }
  return out;
}
