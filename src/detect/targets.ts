import type { CompiledProfile } from './compile.js';

export type TargetKind = 'all-things' | 'registered' | 'unregistered' | 'group';

/** A security-profile target ARN: `all/things`, `all/registered-things`, `all/unregistered-things` or `thinggroup/<name>`. */
export function parseProfileTarget(arn: string): { kind: TargetKind; group?: string } | undefined {
  const match = /^arn:aws[a-z-]*:iot:[^:]*:[^:]*:(all\/things|all\/registered-things|all\/unregistered-things|thinggroup\/(.+))$/.exec(arn);
  if (match === null) return undefined;
  if (match[2] !== undefined) return { kind: 'group', group: match[2] };
  return { kind: match[1] === 'all/things' ? 'all-things' : match[1] === 'all/registered-things' ? 'registered' : 'unregistered' };
}

/** Which compiled profiles apply to a thing, from its effective groups (undefined = unregistered). */
export class TargetIndex {
  private readonly all: CompiledProfile[] = [];
  private readonly registered: CompiledProfile[] = [];
  private readonly unregistered: CompiledProfile[] = [];
  private readonly groups = new Map<string, CompiledProfile[]>();

  constructor(readonly arnPrefix: string, targets: ReadonlyArray<{ profileName: string; targetArn: string }> = [], profiles: ReadonlyMap<string, CompiledProfile> = new Map()) {
    for (const { profileName, targetArn } of targets) {
      const profile = profiles.get(profileName);
      const target = parseProfileTarget(targetArn);
      if (profile === undefined || target === undefined) continue;
      if (target.kind === 'all-things') this.all.push(profile);
      else if (target.kind === 'registered') this.registered.push(profile);
      else if (target.kind === 'unregistered') this.unregistered.push(profile);
      else {
        const list = this.groups.get(target.group as string) ?? [];
        list.push(profile);
        this.groups.set(target.group as string, list);
      }
    }
  }

  /** A thing is evaluated by every profile on `all/things`, on its registration kind, and on any of its (ancestor) groups. */
  profilesFor(groups: readonly string[] | undefined): CompiledProfile[] {
    const out = new Set<CompiledProfile>(this.all);
    if (groups === undefined) for (const p of this.unregistered) out.add(p);
    else {
      for (const p of this.registered) out.add(p);
      for (const g of groups) for (const p of this.groups.get(g) ?? []) out.add(p);
    }
    return [...out];
  }
}
