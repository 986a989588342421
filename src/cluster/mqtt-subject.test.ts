import { describe, expect, it } from 'vitest';
import { filterToSubjects, levelToken, subjectToTopic, tokenLevel, topicToSubject } from './mqtt-subject.js';

/** NATS's own matching of a subject against a subscription subject (`*` one token, `>` one or more). */
function natsMatches(pattern: string, subject: string): boolean {
  const p = pattern.split('.');
  const s = subject.split('.');
  for (let i = 0; i < p.length; i++) {
    if (p[i] === '>') return s.length > i;
    if (i >= s.length || (p[i] !== '*' && p[i] !== s[i])) return false;
  }
  return p.length === s.length;
}

/** A valid NATS subject token: not empty, no '.', no whitespace, not a wildcard. */
function validToken(token: string): boolean {
  return token.length > 0 && !/[.\s*>]/.test(token);
}

const TOPICS = ['a', 'a/b', 'a/b/c', '/', '//', 'a/', '/a', 'a.b', 'a*b', '>', '*', 'a b', '_', '__', '_5F', 'x_41', '$aws/things/t-1/shadow', 'é/日本', 'a\tb', '-', 'UPPER/lower', '+x', 'a#'];

describe('MQTT topics as NATS subjects', () => {
  it('round-trips every topic, with edge levels (empty, dots, NATS wildcards, spaces, underscores, non-ASCII)', () => {
    for (const topic of TOPICS) {
      const subject = topicToSubject('vigil.mqtt', topic);
      expect(subject.split('.').slice(2).every(validToken), subject).toBe(true);
      expect(subjectToTopic('vigil.mqtt', subject)).toBe(topic);
    }
  });

  it('is injective: distinct topics never share a subject', () => {
    const subjects = new Map<string, string>();
    for (const topic of TOPICS) {
      const subject = topicToSubject('p', topic);
      expect(subjects.get(subject), `${topic} and ${subjects.get(subject)}`).toBeUndefined();
      subjects.set(subject, topic);
    }
    expect(levelToken('')).toBe('_');
    expect(levelToken('_')).toBe('_5F');
    expect(levelToken('a.b')).toBe('a_2Eb');
  });

  it('refuses tokens no level maps to', () => {
    for (const token of ['_4', '_zz', '_2e', 'a.b', '*', '>', 'a b']) expect(tokenLevel(token), token).toBeUndefined();
    expect(subjectToTopic('p', 'q.a')).toBeUndefined();
  });

  it('translates filters so that NATS delivers each topic the filter matches exactly once (+ → *, # → > and its parent; the node applies the $-topic rule)', () => {
    const cases: Array<[string, string[], string[]]> = [
      ['a/+', ['a/b', 'a/', 'a/b.c'], ['a', 'a/b/c', 'b/a']],
      ['a/#', ['a', 'a/b', 'a/b/c', 'a/'], ['b', 'ab']],
      ['#', ['a', '/', 'a/b/c'], []],
      ['+/+', ['a/b', '/', '$x/y'], ['a', 'a/b/c']],
      ['a.b/*/>', ['a.b/*/>'], ['a.b/x/>', 'a.b/*/y']],
      ['+/b/#', ['x/b', 'x/b/c', '/b'], ['x/c', 'b']],
    ];
    for (const [filter, yes, no] of cases) {
      const subjects = filterToSubjects('p', filter);
      const hits = (topic: string) => subjects.filter((s) => natsMatches(s, topicToSubject('p', topic))).length;
      for (const topic of yes) expect(hits(topic), `${filter} should match ${topic}`).toBe(1);
      for (const topic of no) expect(hits(topic), `${filter} should not match ${topic}`).toBe(0);
    }
  });
});
