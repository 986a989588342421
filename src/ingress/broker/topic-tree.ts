/** Subscription options a session holds for one filter (MQTT 5.0 §3.8.3.1; 3.1.1 uses only `qos`). */
export interface SubscriptionOptions {
  readonly qos: 0 | 1;
  /** No Local: never deliver the subscriber's own publishes. */
  readonly noLocal: boolean;
  /** Retain As Published: keep the RETAIN flag on forwarded messages. */
  readonly retainAsPublished: boolean;
  /** Retain Handling: 0 send retained on subscribe, 1 only when the subscription is new, 2 never. */
  readonly retainHandling: 0 | 1 | 2;
}

/** One delivery target: the subscriber and the options of the filter that matched. */
export interface Match<S> {
  readonly subscriber: S;
  readonly options: SubscriptionOptions;
}

interface Node<S> {
  readonly children: Map<string, Node<S>>;
  readonly direct: Map<S, SubscriptionOptions>;
  /** Shared groups on exactly this filter: group name → members (round robin). */
  readonly shared: Map<string, SharedGroup<S>>;
}

interface SharedGroup<S> {
  readonly members: Map<S, SubscriptionOptions>;
  next: number;
}

const SHARE_PREFIX = '$share/';

/** A `$share/group/filter` split into its group and filter, else undefined. */
export function parseShared(filter: string): { group: string; filter: string } | undefined {
  if (!filter.startsWith(SHARE_PREFIX)) return undefined;
  const slash = filter.indexOf('/', SHARE_PREFIX.length);
  if (slash < 0) return undefined;
  return { group: filter.slice(SHARE_PREFIX.length, slash), filter: filter.slice(slash + 1) };
}

/**
 * A topic filter is valid when `#` is alone in the last level and `+` is alone in its level
 * (MQTT 5.0 §4.7.1); a shared filter also needs a group name free of wildcards and a filter (§4.8.2).
 */
export function validFilter(filter: string): boolean {
  if (filter.length === 0 || filter.includes('\u0000')) return false;
  const shared = parseShared(filter);
  if (filter.startsWith(SHARE_PREFIX)) {
    if (shared === undefined || shared.group.length === 0 || /[+#]/.test(shared.group)) return false;
    return shared.filter.length > 0 && validFilter(shared.filter);
  }
  const levels = filter.split('/');
  for (let i = 0; i < levels.length; i++) {
    const level = levels[i] as string;
    if (level.includes('#') && (level !== '#' || i !== levels.length - 1)) return false;
    if (level.includes('+') && level !== '+') return false;
  }
  return true;
}

/** A topic name has no wildcards (MQTT 5.0 §4.7.3). */
export function validTopic(topic: string): boolean {
  return topic.length > 0 && !/[+#\u0000]/.test(topic);
}

/** Whether `filter` (not shared) matches `topic`, `$`-topics excluded from first-level wildcards (§4.7.2). */
export function matches(filter: string, topic: string): boolean {
  const f = filter.split('/');
  const t = topic.split('/');
  if (topic.startsWith('$') && (f[0] === '+' || f[0] === '#')) return false;
  for (let i = 0; i < f.length; i++) {
    const level = f[i];
    if (level === '#') return true;
    if (i >= t.length) return false;
    if (level !== '+' && level !== t[i]) return false;
  }
  return f.length === t.length;
}

/**
 * Subscriptions as a trie over topic levels, with `+`, `#` and shared groups. A topic is matched in
 * time proportional to its depth (times the wildcard branches), not to the number of subscriptions.
 * Subscribers are opaque keys (the broker's sessions); a subscriber has at most one options entry
 * per filter (MQTT-3.8.4-3: a repeated SUBSCRIBE replaces it).
 */
export class TopicTree<S> {
  private readonly root: Node<S> = newNode();
  private count = 0;

  /** Number of (subscriber, filter) pairs. */
  get size(): number {
    return this.count;
  }

  /** Adds or replaces; returns whether the subscription is new (Retain Handling 1). */
  add(filter: string, subscriber: S, options: SubscriptionOptions): boolean {
    const shared = parseShared(filter);
    const node = this.walk(shared?.filter ?? filter, true) as Node<S>;
    let target: Map<S, SubscriptionOptions>;
    if (shared === undefined) target = node.direct;
    else {
      let group = node.shared.get(shared.group);
      if (group === undefined) node.shared.set(shared.group, (group = { members: new Map(), next: 0 }));
      target = group.members;
    }
    const fresh = !target.has(subscriber);
    target.set(subscriber, options);
    if (fresh) this.count++;
    return fresh;
  }

  /** Removes; returns whether it existed. */
  remove(filter: string, subscriber: S): boolean {
    const shared = parseShared(filter);
    const path = (shared?.filter ?? filter).split('/');
    const nodes: Node<S>[] = [this.root];
    for (const level of path) {
      const child = (nodes[nodes.length - 1] as Node<S>).children.get(level);
      if (child === undefined) return false;
      nodes.push(child);
    }
    const node = nodes[nodes.length - 1] as Node<S>;
    let removed: boolean;
    if (shared === undefined) removed = node.direct.delete(subscriber);
    else {
      const group = node.shared.get(shared.group);
      removed = group?.members.delete(subscriber) === true;
      if (group !== undefined && group.members.size === 0) node.shared.delete(shared.group);
    }
    if (!removed) return false;
    this.count--;
    // Prune empty branches so one-off filters do not pile up.
    for (let i = path.length; i > 0; i--) {
      const child = nodes[i] as Node<S>;
      if (child.children.size > 0 || child.direct.size > 0 || child.shared.size > 0) break;
      (nodes[i - 1] as Node<S>).children.delete(path[i - 1] as string);
    }
    return true;
  }

  /**
   * Every subscriber the topic reaches: each direct subscriber once (with the highest QoS of its
   * overlapping filters, MQTT-3.3.4-2 allows one copy), and one member of each matching shared group,
   * chosen round robin among the members `eligible` accepts (e.g. connected ones).
   */
  match(topic: string, eligible: (subscriber: S) => boolean = () => true, withShared = true): Match<S>[] {
    const levels = topic.split('/');
    const direct = new Map<S, SubscriptionOptions>();
    const groups: SharedGroup<S>[] = [];
    const dollar = topic.startsWith('$');
    const visit = (node: Node<S>, depth: number): void => {
      const hash = node.children.get('#');
      if (hash !== undefined && !(dollar && depth === 0)) collect(hash);
      if (depth === levels.length) return collect(node);
      const exact = node.children.get(levels[depth] as string);
      if (exact !== undefined) visit(exact, depth + 1);
      const plus = node.children.get('+');
      if (plus !== undefined && !(dollar && depth === 0)) visit(plus, depth + 1);
    };
    const collect = (node: Node<S>): void => {
      for (const [subscriber, options] of node.direct) {
        const seen = direct.get(subscriber);
        if (seen === undefined || options.qos > seen.qos) direct.set(subscriber, options);
      }
      if (withShared) for (const group of node.shared.values()) groups.push(group);
    };
    visit(this.root, 0);
    const out: Match<S>[] = [];
    for (const [subscriber, options] of direct) out.push({ subscriber, options });
    for (const group of groups) {
      const picked = pick(group, eligible);
      if (picked !== undefined) out.push(picked);
    }
    return out;
  }

  /** One member of the shared group of `$share/group/filter`, chosen as `match` does; undefined when it has none eligible. */
  pickShared(sharedFilter: string, eligible: (subscriber: S) => boolean = () => true): Match<S> | undefined {
    const shared = parseShared(sharedFilter);
    if (shared === undefined) return undefined;
    const group = this.walk(shared.filter, false)?.shared.get(shared.group);
    return group === undefined ? undefined : pick(group, eligible);
  }

  private walk(filter: string, create: boolean): Node<S> | undefined {
    let node = this.root;
    for (const level of filter.split('/')) {
      let child = node.children.get(level);
      if (child === undefined) {
        if (!create) return undefined;
        node.children.set(level, (child = newNode()));
      }
      node = child;
    }
    return node;
  }
}

function pick<S>(group: SharedGroup<S>, eligible: (subscriber: S) => boolean): Match<S> | undefined {
  const members = [...group.members];
  for (let i = 0; i < members.length; i++) {
    const index = (group.next + i) % members.length;
    const [subscriber, options] = members[index] as [S, SubscriptionOptions];
    if (!eligible(subscriber)) continue;
    group.next = (index + 1) % members.length;
    return { subscriber, options };
  }
  return undefined;
}

function newNode<S>(): Node<S> {
  return { children: new Map(), direct: new Map(), shared: new Map() };
}
