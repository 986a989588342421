import { BlockList, isIP } from 'node:net';
import { VigilError, err, ok, type Result } from '../../core/index.js';
import { compileKey, type KeyResolver, type PolicyContext } from './context.js';
import { globMatch } from './glob.js';
import { compileTemplate, renderTemplate, type Template } from './template.js';

type Operator = 'StringEquals' | 'StringNotEquals' | 'StringEqualsIgnoreCase' | 'StringNotEqualsIgnoreCase' | 'StringLike' | 'StringNotLike' | 'Bool' | 'IpAddress' | 'NotIpAddress' | 'Null' | 'ArnEquals' | 'ArnLike' | 'ArnNotEquals' | 'ArnNotLike';

/** The condition operators Vigil evaluates; a document using another one is malformed. */
const OPERATORS: Readonly<Record<Operator, { negated: boolean; wildcards: boolean }>> = {
  StringEquals: { negated: false, wildcards: false },
  StringNotEquals: { negated: true, wildcards: false },
  StringEqualsIgnoreCase: { negated: false, wildcards: false },
  StringNotEqualsIgnoreCase: { negated: true, wildcards: false },
  StringLike: { negated: false, wildcards: true },
  StringNotLike: { negated: true, wildcards: true },
  ArnEquals: { negated: false, wildcards: false },
  ArnNotEquals: { negated: true, wildcards: false },
  ArnLike: { negated: false, wildcards: true },
  ArnNotLike: { negated: true, wildcards: true },
  Bool: { negated: false, wildcards: false },
  IpAddress: { negated: false, wildcards: false },
  NotIpAddress: { negated: true, wildcards: false },
  Null: { negated: false, wildcards: false },
};

export interface CompiledCondition {
  readonly operator: Operator;
  readonly key: string;
  readonly resolve: KeyResolver;
  readonly ifExists: boolean;
  readonly set: 'any' | 'all' | undefined;
  readonly values: readonly Template[];
  readonly networks: Networks | undefined;
}

/** CIDR blocks: IPv4 as integer ranges (node's BlockList costs microseconds per check), IPv6 through BlockList. */
interface Networks {
  readonly v4: Array<readonly [number, number]>;
  readonly v6: BlockList;
}

/** Compiles a statement's `Condition` block: `{ "<[ForAnyValue:|ForAllValues:]Operator[IfExists]>": { key: value | [values] } }`. */
export function compileConditions(block: unknown, path: string): Result<CompiledCondition[]> {
  if (block === undefined) return ok([]);
  if (!isRecord(block)) return err(malformed(`${path} must be an object`));
  const out: CompiledCondition[] = [];
  for (const [rawOperator, keys] of Object.entries(block)) {
    const parsed = /^(?:(ForAnyValue|ForAllValues):)?([A-Za-z]+?)(IfExists)?$/.exec(rawOperator);
    const operator = parsed?.[2] as Operator | undefined;
    if (parsed === null || operator === undefined || !(operator in OPERATORS)) return err(malformed(`${path}: unknown condition operator "${rawOperator}"`));
    if (!isRecord(keys)) return err(malformed(`${path}.${rawOperator} must be an object of condition keys`));
    for (const [key, raw] of Object.entries(keys)) {
      const list = (Array.isArray(raw) ? raw : [raw]).map((v) => (typeof v === 'boolean' || typeof v === 'number' ? String(v) : v));
      if (list.length === 0 || !list.every((v) => typeof v === 'string')) return err(malformed(`${path}.${rawOperator}.${key} must be a string or a list of strings`));
      const values: Template[] = [];
      let networks: Networks | undefined;
      if (operator === 'IpAddress' || operator === 'NotIpAddress') {
        networks = { v4: [], v6: new BlockList() };
        for (const cidr of list as string[]) {
          const added = addNetwork(networks, cidr);
          if (!added) return err(malformed(`${path}.${rawOperator}.${key}: "${cidr}" is not an IP address or CIDR block`));
        }
      } else {
        for (const value of list as string[]) {
          const template = compileTemplate(value, OPERATORS[operator].wildcards);
          if (!template.ok) return template;
          values.push(template.value);
        }
      }
      const set = parsed[1] === 'ForAnyValue' ? 'any' : parsed[1] === 'ForAllValues' ? 'all' : undefined;
      out.push({ operator, key, resolve: compileKey(key), ifExists: parsed[3] !== undefined, set, values, networks });
    }
  }
  return ok(out);
}

/** IAM semantics: every condition must hold; a missing key fails positive operators and satisfies negated ones. */
export function conditionsHold(conditions: readonly CompiledCondition[], context: PolicyContext): boolean {
  for (const condition of conditions) if (!holds(condition, context)) return false;
  return true;
}

function holds(condition: CompiledCondition, context: PolicyContext): boolean {
  const actual = condition.resolve(context);
  const spec = OPERATORS[condition.operator];
  if (condition.operator === 'Null') {
    const wantAbsent = condition.values.some((v) => v.constant?.toLowerCase() === 'true');
    return wantAbsent === (actual === undefined || actual.length === 0);
  }
  if (actual === undefined || actual.length === 0) {
    if (condition.ifExists || condition.set === 'all') return true;
    return spec.negated;
  }
  const expected = condition.values.map((v) => renderTemplate(v, context)).filter((v): v is string => v !== undefined);
  const one = (value: string): boolean => matchesAny(condition, value, expected);
  const positive = condition.set === 'all' ? actual.every(one) : actual.some(one);
  if (!spec.negated) return positive;
  return condition.set === 'all' ? actual.every((v) => !one(v)) : !positive;
}

function matchesAny(condition: CompiledCondition, value: string, expected: readonly string[]): boolean {
  switch (condition.operator) {
    case 'IpAddress':
    case 'NotIpAddress':
      return condition.networks !== undefined && inNetworks(condition.networks, value);
    case 'StringLike':
    case 'StringNotLike':
    case 'ArnLike':
    case 'ArnNotLike':
      return expected.some((pattern) => globMatch(pattern, value));
    case 'StringEqualsIgnoreCase':
    case 'StringNotEqualsIgnoreCase':
      return expected.some((e) => e.toLowerCase() === value.toLowerCase());
    case 'Bool':
      return expected.some((e) => e.toLowerCase() === value.toLowerCase());
    default:
      return expected.includes(value);
  }
}

function addNetwork(networks: Networks, text: string): boolean {
  const [address, prefix] = text.split('/') as [string, string | undefined];
  const family = isIP(address);
  if (family === 0) return false;
  if (prefix !== undefined && !/^[0-9]{1,3}$/.test(prefix)) return false;
  const bits = prefix === undefined ? (family === 4 ? 32 : 128) : Number(prefix);
  if (bits > (family === 4 ? 32 : 128)) return false;
  if (family === 6) {
    networks.v6.addSubnet(address, bits, 'ipv6');
    return true;
  }
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  const base = (ipv4(address) & mask) >>> 0;
  networks.v4.push([base, mask]);
  return true;
}

function ipv4(address: string): number {
  const [a, b, c, d] = address.split('.').map(Number) as [number, number, number, number];
  return ((a << 24) | (b << 16) | (c << 8) | d) >>> 0;
}

function inNetworks(networks: Networks, value: string): boolean {
  const family = isIP(value);
  if (family === 6) return networks.v6.check(value, 'ipv6');
  if (family !== 4) return false;
  const ip = ipv4(value);
  for (const [base, mask] of networks.v4) if (((ip & mask) >>> 0) === base) return true;
  return false;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function malformed(message: string): VigilError {
  return new VigilError('policy.malformed', message, { hint: 'IoT policies use IAM grammar: Version, Statement[{Effect, Action, Resource, Condition?}]' });
}
