import { describe, expect, it } from 'vitest';
import { TopicTree, matches, parseShared, validFilter, validTopic, type SubscriptionOptions } from './topic-tree.js';

const QOS0: SubscriptionOptions = { qos: 0, noLocal: false, retainAsPublished: false, retainHandling: 0 };
const QOS1: SubscriptionOptions = { ...QOS0, qos: 1 };

/** Subscribers the tree reaches for a topic, sorted. */
function reached(tree: TopicTree<string>, topic: string): string[] {
  return tree
    .match(topic)
    .map((m) => m.subscriber)
    .sort();
}

describe('topic filters (MQTT 5.0 §4.7)', () => {
  it('matches the multi-level wildcard examples of §4.7.1.2, including the parent level', () => {
    for (const topic of ['sport/tennis/player1', 'sport/tennis/player1/ranking', 'sport/tennis/player1/score/wimbledon']) expect(matches('sport/tennis/player1/#', topic)).toBe(true);
    expect(matches('sport/#', 'sport')).toBe(true);
    expect(matches('sport/tennis/player1/#', 'sport/tennis/player2')).toBe(false);
    expect(matches('#', 'a/b/c')).toBe(true);
  });

  it('matches the single-level wildcard examples of §4.7.1.3', () => {
    expect(matches('sport/tennis/+', 'sport/tennis/player1')).toBe(true);
    expect(matches('sport/tennis/+', 'sport/tennis/player2')).toBe(true);
    expect(matches('sport/tennis/+', 'sport/tennis/player1/ranking')).toBe(false);
    expect(matches('sport/+', 'sport')).toBe(false);
    expect(matches('sport/+', 'sport/')).toBe(true);
    expect(matches('+/+', '/finance')).toBe(true);
    expect(matches('/+', '/finance')).toBe(true);
    expect(matches('+', '/finance')).toBe(false);
  });

  it('keeps $-topics away from first-level wildcards (§4.7.2) but not from explicit $ filters', () => {
    expect(matches('#', '$SYS/monitor/Clients')).toBe(false);
    expect(matches('+/monitor/Clients', '$SYS/monitor/Clients')).toBe(false);
    expect(matches('$SYS/#', '$SYS/monitor/Clients')).toBe(true);
    expect(matches('$SYS/monitor/+', '$SYS/monitor/Clients')).toBe(true);
    expect(matches('$aws/things/+/shadow/#', '$aws/things/t1/shadow/update')).toBe(true);
  });

  it('accepts the valid filters of §4.7.1 and refuses the invalid ones; topic names have no wildcards', () => {
    for (const f of ['sport/tennis/#', '#', 'sport/#', '+', '+/tennis/#', 'sport/+/player1', '$share/g/a/+', '/']) expect(validFilter(f), f).toBe(true);
    for (const f of ['sport/tennis#', 'sport/tennis/#/ranking', 'sport+', '', '$share/g', '$share//a', '$share/g+/a', '$share/g/a/#/b']) expect(validFilter(f), f).toBe(false);
    expect(validTopic('sport/tennis')).toBe(true);
    expect(validTopic('sport/+')).toBe(false);
    expect(validTopic('sport/#')).toBe(false);
    expect(validTopic('')).toBe(false);
  });

  it('splits a shared subscription into its group and filter (§4.8.2)', () => {
    expect(parseShared('$share/consumers/sport/+/score')).toEqual({ group: 'consumers', filter: 'sport/+/score' });
    expect(parseShared('sport/+/score')).toBeUndefined();
  });
});

describe('TopicTree', () => {
  it('reaches exactly the subscribers whose filters match, each once with its highest QoS', () => {
    const tree = new TopicTree<string>();
    tree.add('a/b/c', 'exact', QOS0);
    tree.add('a/+/c', 'plus', QOS0);
    tree.add('a/#', 'hash', QOS0);
    tree.add('#', 'all', QOS0);
    tree.add('x/#', 'other', QOS0);
    tree.add('a/b/c', 'overlap', QOS0);
    tree.add('a/#', 'overlap', QOS1);
    expect(reached(tree, 'a/b/c')).toEqual(['all', 'exact', 'hash', 'overlap', 'plus']);
    expect(tree.match('a/b/c').find((m) => m.subscriber === 'overlap')?.options.qos).toBe(1);
    expect(reached(tree, 'a')).toEqual(['all', 'hash', 'overlap']);
    expect(reached(tree, '$SYS/a')).toEqual([]);
  });

  it('replaces a repeated subscription, reports whether it is new, and prunes on remove', () => {
    const tree = new TopicTree<string>();
    expect(tree.add('a/b', 's', QOS0)).toBe(true);
    expect(tree.add('a/b', 's', QOS1)).toBe(false);
    expect(tree.size).toBe(1);
    expect(tree.match('a/b')[0]?.options.qos).toBe(1);
    expect(tree.remove('a/b', 's')).toBe(true);
    expect(tree.remove('a/b', 's')).toBe(false);
    expect(tree.size).toBe(0);
    expect(reached(tree, 'a/b')).toEqual([]);
  });

  it('hands each message of a shared subscription to one member, round robin, skipping members not eligible', () => {
    const tree = new TopicTree<string>();
    tree.add('$share/g/jobs/+', 'm1', QOS1);
    tree.add('$share/g/jobs/+', 'm2', QOS1);
    tree.add('jobs/#', 'watcher', QOS0);
    const got = Array.from({ length: 6 }, () => reached(tree, 'jobs/1'));
    for (const g of got) expect(g).toHaveLength(2);
    const members = got.map((g) => g.find((s) => s !== 'watcher'));
    expect(members.filter((m) => m === 'm1')).toHaveLength(3);
    expect(members.filter((m) => m === 'm2')).toHaveLength(3);
    const online = tree.match('jobs/2', (s) => s !== 'm1').map((m) => m.subscriber);
    expect(online.sort()).toEqual(['m2', 'watcher']);
    expect(tree.match('jobs/3', (s) => s === 'watcher').map((m) => m.subscriber)).toEqual(['watcher']);
    tree.remove('$share/g/jobs/+', 'm1');
    tree.remove('$share/g/jobs/+', 'm2');
    expect(reached(tree, 'jobs/1')).toEqual(['watcher']);
  });

  it('keeps two share groups on one filter independent (each gets every message once)', () => {
    const tree = new TopicTree<string>();
    tree.add('$share/a/t', 'a1', QOS0);
    tree.add('$share/a/t', 'a2', QOS0);
    tree.add('$share/b/t', 'b1', QOS0);
    for (let i = 0; i < 4; i++) {
      const got = reached(tree, 't');
      expect(got).toHaveLength(2);
      expect(got).toContain('b1');
    }
  });

  it('leaves shared groups out of a match on request, and picks one member of a named group (cluster mode serves groups apart)', () => {
    const tree = new TopicTree<string>();
    tree.add('$share/g/jobs/#', 'm1', QOS1);
    tree.add('$share/g/jobs/#', 'm2', QOS1);
    tree.add('jobs/+', 'watcher', QOS0);
    expect(tree.match('jobs/1', () => true, false).map((m) => m.subscriber)).toEqual(['watcher']);
    const picks = Array.from({ length: 4 }, () => tree.pickShared('$share/g/jobs/#')?.subscriber);
    expect(picks).toEqual(['m1', 'm2', 'm1', 'm2']);
    expect(tree.pickShared('$share/g/jobs/#', (s) => s === 'm2')?.subscriber).toBe('m2');
    expect(tree.pickShared('$share/other/jobs/#')).toBeUndefined();
    expect(tree.pickShared('jobs/+')).toBeUndefined();
  });
});
