import type { AlarmState } from './alarms.js';
import type { CompiledProfile, Slot } from './compile.js';
import type { NetSample } from './datapoints.js';

/** A cloud counter's open window. */
export interface Counter {
  windowStart: number;
  readonly windowMs: number;
  sum: number;
}

/** What the engine keeps in memory about one thing it has seen datapoints or saved alarms for. */
export interface ThingState {
  readonly name: string;
  groups: readonly string[] | undefined;
  loaded: boolean;
  pending: Array<() => void> | undefined;
  profiles: readonly CompiledProfile[];
  profilesVersion: number;
  /** Network-stat samples of the last `netWindowMs` (the longest delta window its profiles sum over), oldest first. */
  net: NetSample[];
  netWindowMs: number;
  /** By `profile \0 slot key \0 dimension`. */
  readonly alarms: Map<string, AlarmState>;
  /** Fast path: this compilation's slots → their alarm. */
  slotAlarms: Map<Slot, AlarmState>;
  readonly counters: Map<Slot, Counter>;
  lastSeen: number;
  /** A registered thing's disconnect time while it stays offline; null once it is known connected; undefined = not known. */
  offlineSince: number | null | undefined;
}

/** A thing whose groups are still to be looked up. */
export function newThingState(name: string, now: number): ThingState {
  return { name, groups: undefined, loaded: false, pending: [], profiles: [], profilesVersion: -1, net: [], netWindowMs: 0, alarms: new Map(), slotAlarms: new Map(), counters: new Map(), lastSeen: now, offlineSince: undefined };
}

export const alarmKey = (profile: string, key: string, dimension: string): string => `${profile}\u0000${key}\u0000${dimension}`;

export function alarmKeyParts(thingName: string, key: string): { thingName: string; profileName: string; behaviorName: string; dimension: string } {
  const [profileName, behaviorName, dimension] = key.split('\u0000') as [string, string, string];
  return { thingName, profileName, behaviorName, dimension };
}
