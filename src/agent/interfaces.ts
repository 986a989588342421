import type { NetworkInterfaceInfo } from 'node:os';

export type InterfaceTable = NodeJS.Dict<NetworkInterfaceInfo[]>;

/** Finds the interface that owns a local address; wildcard addresses (`0.0.0.0`, `::`) have none. */
export type InterfaceLookup = (address: string) => string | undefined;

function ipv4ToInt(address: string): number | undefined {
  const parts = address.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0;
  for (const part of parts) {
    const n = Number(part);
    if (!Number.isInteger(n) || n < 0 || n > 255) return undefined;
    value = value * 256 + n;
  }
  return value;
}

/**
 * Builds a lookup from `os.networkInterfaces()`: exact address match first, then (IPv4) the
 * interface whose subnet holds the address, so `127.0.0.53` resolves to the loopback interface.
 */
export function interfaceLookup(table: InterfaceTable): InterfaceLookup {
  const exact = new Map<string, string>();
  const subnets: Array<{ name: string; network: number; mask: number }> = [];
  for (const [name, infos] of Object.entries(table)) {
    for (const info of infos ?? []) {
      if (!exact.has(info.address)) exact.set(info.address, name);
      if (info.family === 'IPv4') {
        const address = ipv4ToInt(info.address);
        const mask = ipv4ToInt(info.netmask);
        if (address !== undefined && mask !== undefined) subnets.push({ name, network: (address & mask) >>> 0, mask });
      }
    }
  }
  return (address) => {
    if (address === '0.0.0.0' || address === '::') return undefined;
    const found = exact.get(address);
    if (found !== undefined) return found;
    const value = ipv4ToInt(address);
    if (value === undefined) return undefined;
    return subnets.find((s) => ((value & s.mask) >>> 0) === s.network)?.name;
  };
}
