import { parseProfileTarget } from '../protocol/index.js';
import type { CompiledProfile } from './compile.js';

/** Which compiled profiles apply to a thing, from its effective groups (undefined = unregistered). */
export class TargetIndex {
  private readonly all: CompiledProfile[] = [];
  private readonly registered: CompiledProfile[] = [];
  private readonly unregistered: CompiledProfile[] = [];
  private readonly groups = new Map<string, CompiledProfile[]>();

  constructor(targets: ReadonlyArray<{ profileName: string; targetArn: string }> = [], profiles: ReadonlyMap<string, CompiledProfile> = new Map()) {
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
