import type { Behavior, ComparisonOperator, MetricValue } from '../model/index.js';
import type { ValueKind } from './metrics.js';

/** One datapoint's value: a number, or a list (ports / numbers, or IPs / strings). */
export type DatapointValue = number | readonly number[] | readonly string[];

/** True when the value is compliant (a behavior describes normal behaviour; false = violating). */
export type Criterion = (value: DatapointValue, threshold: number) => boolean;

/**
 * Compiles a static or statistical criterion. Numbers are compared with the threshold (the
 * behavior's `value` or, for statistical behaviors, the fleet percentile passed in). Set operators
 * need every element in (or none in) the set; an empty list is always compliant (§3.3).
 */
export function compileCriterion(behavior: Behavior, kind: ValueKind): Criterion {
  const operator = behavior.criteria?.comparisonOperator as ComparisonOperator;
  const value = behavior.criteria?.value ?? {};
  switch (operator) {
    case 'less-than':
      return (v, t) => typeof v === 'number' && v < t;
    case 'less-than-equals':
      return (v, t) => typeof v === 'number' && v <= t;
    case 'greater-than':
      return (v, t) => typeof v === 'number' && v > t;
    case 'greater-than-equals':
      return (v, t) => typeof v === 'number' && v >= t;
    case 'in-port-set':
    case 'in-set':
    case 'not-in-port-set':
    case 'not-in-set': {
      const inside = !operator.startsWith('not-');
      const set = new Set<number | string>(kind === 'strings' ? (value.strings ?? []) : kind === 'numbers' ? (value.numbers ?? []) : (value.ports ?? []));
      return (v) => Array.isArray(v) && (v as ReadonlyArray<number | string>).every((e) => set.has(e) === inside);
    }
    case 'in-cidr-set':
    case 'not-in-cidr-set': {
      const inside = operator === 'in-cidr-set';
      const blocks = (value.cidrs ?? []).map(parseCidr).filter((b): b is Cidr => b !== undefined);
      return (v) => Array.isArray(v) && (v as readonly string[]).every((ip) => {
        const parsed = parseIp(String(ip));
        return parsed !== undefined && blocks.some((b) => contains(b, parsed)) === inside;
      });
    }
    default:
      return () => true;
  }
}

/** The static threshold of a numeric behavior (`count` or `number`). */
export function staticThreshold(value: MetricValue | undefined): number {
  return value?.count ?? value?.number ?? 0;
}

/** Renders a datapoint value as the AWS `MetricValue` of the metric's kind. */
export function toMetricValue(value: DatapointValue, kind: ValueKind): MetricValue {
  switch (kind) {
    case 'count':
      return { count: value as number };
    case 'number':
      return { number: value as number };
    case 'ports':
      return { ports: [...(value as number[])] };
    case 'numbers':
      return { numbers: [...(value as number[])] };
    case 'cidrs':
      return { cidrs: [...(value as string[])] };
    case 'strings':
      return { strings: [...(value as string[])] };
  }
}

interface Ip {
  readonly v6: boolean;
  readonly value: bigint;
}

interface Cidr extends Ip {
  readonly bits: number;
}

/** Parses an IPv4 or IPv6 address (IPv4-mapped IPv6 is treated as IPv4). */
export function parseIp(text: string): Ip | undefined {
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (v4 !== null) {
    const octets = v4.slice(1).map(Number);
    if (octets.some((o) => o > 255)) return undefined;
    return { v6: false, value: BigInt(((octets[0] as number) * 2 ** 24) + ((octets[1] as number) << 16) + ((octets[2] as number) << 8) + (octets[3] as number)) };
  }
  if (!text.includes(':')) return undefined;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(text);
  if (mapped !== null) return parseIp(mapped[1] as string);
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const head = halves[0] === '' ? [] : (halves[0] as string).split(':');
  const tail = halves.length === 2 ? (halves[1] === '' ? [] : (halves[1] as string).split(':')) : [];
  const missing = 8 - head.length - tail.length;
  if ((halves.length === 1 && missing !== 0) || missing < 0) return undefined;
  const groups = [...head, ...Array<string>(missing).fill('0'), ...tail];
  let value = 0n;
  for (const group of groups) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(group)) return undefined;
    value = (value << 16n) | BigInt(parseInt(group, 16));
  }
  return { v6: true, value };
}

function parseCidr(text: string): Cidr | undefined {
  const [address, bits] = text.split('/');
  const ip = parseIp(address ?? '');
  if (ip === undefined) return undefined;
  const width = ip.v6 ? 128 : 32;
  return { ...ip, bits: bits === undefined ? width : Number(bits) };
}

function contains(block: Cidr, ip: Ip): boolean {
  if (block.v6 !== ip.v6) return false;
  const width = BigInt(block.v6 ? 128 : 32);
  const shift = width - BigInt(block.bits);
  return block.value >> shift === ip.value >> shift;
}

/** The IP part of `ip:port` or `[ipv6]:port`. */
export function hostOf(remoteAddr: string): string {
  const bracket = /^\[([^\]]+)\](?::\d+)?$/.exec(remoteAddr);
  if (bracket !== null) return bracket[1] as string;
  const colons = remoteAddr.split(':').length - 1;
  if (colons === 1) return remoteAddr.slice(0, remoteAddr.indexOf(':'));
  return remoteAddr;
}

/** MQTT topic filter match (`+` one level, `#` the rest), after `${iot:ClientId}` substitution. */
export function topicMatches(filter: string, topic: string, clientId: string): boolean {
  const f = filter.replaceAll('${iot:ClientId}', clientId).split('/');
  const t = topic.split('/');
  for (let i = 0; i < f.length; i++) {
    const level = f[i];
    if (level === '#') return true;
    if (i >= t.length) return false;
    if (level !== '+' && level !== t[i]) return false;
  }
  return f.length === t.length;
}
