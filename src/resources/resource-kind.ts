import type { TSchema } from 'typebox';
import { VigilError, pages } from '../core/index.js';
import type { VigilClient } from '../api/index.js';

/** One resource as written in a resources file (the API's own shape for that kind). */
export type Spec = Record<string, unknown>;

/** What a kind needs to talk to the running server. */
export interface ApplyContext {
  readonly client: VigilClient;
  /** `${hec_token:NAME}`: the value of a HEC token (looked up when the spec is sent). */
  hecToken(name: string): Promise<string>;
  /** Known values of `${hec_url}`, `${region}`, `${account_id}` (and `--set` variables). */
  readonly vars: Readonly<Record<string, string>>;
}

/**
 * A kind of declarative resource: how its items are listed, created, updated and deleted through
 * the HTTP API, and how a file item compares with the server's. Kinds are rows of RESOURCE_KINDS,
 * in dependency order (creates run top-down, deletes bottom-up).
 */
export interface ResourceKind {
  /** Top-level key of a resources file (`policies`). */
  readonly key: string;
  /** Name in plans (`policy`). */
  readonly label: string;
  /** The field that names an item. */
  readonly nameField: string;
  readonly schema: TSchema;
  /** Fields whose `${…}` placeholders the engine fills at run time; apply leaves them as written. */
  readonly runtimeFields?: readonly string[];
  /** One object instead of a list (the account audit configuration); its name is `account`. */
  readonly singleton?: boolean;
  /** Current items as specs in the file's shape (callers turn a missing route into "no API for this kind"). */
  list(ctx: ApplyContext): Promise<Spec[]>;
  create(ctx: ApplyContext, spec: Spec): Promise<void>;
  /** Absent: the kind cannot be changed in place (the plan refuses and says why). */
  update?(ctx: ApplyContext, desired: Spec, current: Spec): Promise<void>;
  /** Absent: never deleted by apply. */
  delete?(ctx: ApplyContext, name: string): Promise<void>;
  /** Checks beyond the schema (the engine's own validation, run locally); each problem as text. */
  validate?(spec: Spec): string[];
  /** Fills the defaults the server would, so a file item and the server's copy compare equal. */
  normalize?(spec: Spec): Spec;
  /** The part of a spec that is compared (secrets that the API never returns are left out). */
  comparable?(spec: Spec): Spec;
  /** Why `desired` cannot be reached from `current` by an update (otherwise undefined). */
  updateBlocked?(desired: Spec, current: Spec): string | undefined;
  /** What `vigil export` writes for a server item (secrets as placeholders). */
  exportSpec?(spec: Spec, ctx: ApplyContext): Spec;
}

/** True for the error of a route the server does not have (an engine not wired in this build). */
export function isMissingRoute(error: unknown): boolean {
  return error instanceof VigilError && (error.code === 'api.route_not_found' || (error.code === 'http.404' && error.message.startsWith('no route ')));
}

export function isNotFound(error: unknown): boolean {
  return error instanceof VigilError && (error.code === 'http.404' || error.code.endsWith('.not_found'));
}

/** Calls `list`, turning "no such route" into `undefined`. */
export async function listOrMissing<T>(list: () => Promise<T>): Promise<T | undefined> {
  try {
    return await list();
  } catch (error) {
    if (isMissingRoute(error)) return undefined;
    throw error;
  }
}

/** Follows `nextToken`/`nextMarker` pages. */
export const allPages = pages;

function isEmpty(value: unknown): boolean {
  if (value === undefined || value === null || value === '') return true;
  if (Array.isArray(value)) return value.length === 0;
  if (typeof value === 'object') return Object.values(value as object).every(isEmpty);
  return false;
}

/** Deep equality where key order does not matter and a missing key equals an empty value ("", [], {}, null). */
export function sameSpec(a: unknown, b: unknown): boolean {
  if (isEmpty(a) && isEmpty(b)) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((item, i) => sameSpec(item, b[i]));
  }
  if (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const key of keys) if (!sameSpec((a as Spec)[key], (b as Spec)[key])) return false;
    return true;
  }
  return a === b;
}

/** Drops undefined values (so exported YAML has no `null`s). */
export function defined(spec: Spec): Spec {
  return Object.fromEntries(Object.entries(spec).filter(([, v]) => v !== undefined));
}

/** The fields of the first spec that differ from the second, for plan output. */
export function changedFields(desired: Spec, current: Spec): string[] {
  const keys = new Set([...Object.keys(desired), ...Object.keys(current)]);
  return [...keys].filter((key) => !sameSpec(desired[key], current[key])).sort();
}
