import type { SqlValue } from './ast.js';

/** What a function sees besides its arguments: the message and the injected clock and id source. */
export interface SqlContext {
  /** The topic the rule sees (basic-ingest prefix removed). */
  readonly topic: string;
  readonly clientId: string | undefined;
  now(): number;
  uuid(): string;
}

export interface SqlFunction {
  readonly minArgs: number;
  readonly maxArgs: number;
  call(args: readonly SqlValue[], context: SqlContext): SqlValue;
}

const num = (value: SqlValue): number | undefined => (typeof value === 'number' ? value : undefined);

function mathFn(fn: (n: number) => number): SqlFunction {
  return { minArgs: 1, maxArgs: 1, call: ([value]) => { const n = num(value); return n === undefined ? undefined : fn(n); } };
}

function stringFn(fn: (s: string) => SqlValue): SqlFunction {
  return { minArgs: 1, maxArgs: 1, call: ([value]) => (typeof value === 'string' ? fn(value) : undefined) };
}

/** The SQL functions rules may call, by lower-case name: a table, one row per function. */
export const FUNCTIONS: Readonly<Record<string, SqlFunction>> = {
  // AWS: topic() is the whole topic; topic(n) the n-th level counting from 1.
  topic: {
    minArgs: 0,
    maxArgs: 1,
    call: (args, context) => {
      if (args.length === 0) return context.topic;
      const n = num(args[0]);
      if (n === undefined || !Number.isInteger(n) || n < 1) return undefined;
      return context.topic.split('/')[n - 1];
    },
  },
  clientid: { minArgs: 0, maxArgs: 0, call: (_args, context) => context.clientId },
  timestamp: { minArgs: 0, maxArgs: 0, call: (_args, context) => context.now() },
  newuuid: { minArgs: 0, maxArgs: 0, call: (_args, context) => context.uuid() },
  get: {
    minArgs: 2,
    maxArgs: 2,
    call: ([container, key]) => {
      if (Array.isArray(container) && typeof key === 'number') return Number.isInteger(key) && key >= 0 ? container[key] : undefined;
      if (isObject(container) && (typeof key === 'string' || typeof key === 'number')) return Object.hasOwn(container, String(key)) ? container[String(key)] : undefined;
      return undefined;
    },
  },
  concat: {
    minArgs: 2,
    maxArgs: Infinity,
    call: (args) => {
      if (args.some((a) => a === undefined)) return undefined;
      if (args.some(Array.isArray)) return args.flatMap((a) => (Array.isArray(a) ? a : [a]));
      return args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join('');
    },
  },
  lower: stringFn((s) => s.toLowerCase()),
  upper: stringFn((s) => s.toUpperCase()),
  length: { minArgs: 1, maxArgs: 1, call: ([value]) => (typeof value === 'string' || Array.isArray(value) ? value.length : undefined) },
  startswith: { minArgs: 2, maxArgs: 2, call: ([s, prefix]) => (typeof s === 'string' && typeof prefix === 'string' ? s.startsWith(prefix) : undefined) },
  abs: mathFn(Math.abs),
  floor: mathFn(Math.floor),
  ceil: mathFn(Math.ceil),
  round: mathFn(Math.round),
  isundefined: { minArgs: 1, maxArgs: 1, call: ([value]) => value === undefined },
  isnull: { minArgs: 1, maxArgs: 1, call: ([value]) => value === null },
};

export function isObject(value: SqlValue): value is { [key: string]: SqlValue } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
