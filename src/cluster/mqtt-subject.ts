/**
 * MQTT topics as NATS subjects, so that NATS routes each message only to the nodes whose clients
 * subscribed to it. A topic level becomes one subject token: ASCII letters, digits and '-' stay,
 * every other byte of its UTF-8 (including '_', '.', '*', '>', '$', spaces) becomes `_XX` (upper-case
 * hex), and an empty level becomes `_` alone. The mapping is injective (a lone `_` cannot come from a
 * non-empty level) and no token is ever `*`, `>` or empty, so a topic can never read as a wildcard.
 * Filters map `+` to `*` and `#` to `>`; `a/#` also matches `a` itself (MQTT 5.0 §4.7.1.2), which
 * NATS's `>` does not, so it takes two subjects.
 */

const PLAIN = /^[A-Za-z0-9-]$/;

/** One MQTT topic level as a NATS subject token. */
export function levelToken(level: string): string {
  if (level.length === 0) return '_';
  let out = '';
  for (const char of level) {
    if (PLAIN.test(char)) out += char;
    else for (const byte of Buffer.from(char, 'utf8')) out += `_${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** The MQTT level a token came from; undefined for a token no level maps to. */
export function tokenLevel(token: string): string | undefined {
  if (token === '_') return '';
  const bytes: number[] = [];
  for (let i = 0; i < token.length; ) {
    const char = token[i] as string;
    if (char === '_') {
      const hex = token.slice(i + 1, i + 3);
      if (!/^[0-9A-F]{2}$/.test(hex)) return undefined;
      bytes.push(Number.parseInt(hex, 16));
      i += 3;
    } else if (PLAIN.test(char)) {
      bytes.push(char.charCodeAt(0));
      i++;
    } else return undefined;
  }
  const level = Buffer.from(bytes).toString('utf8');
  return levelToken(level) === token ? level : undefined;
}

/** `<base>.<token>.<token>…` for an MQTT topic name. */
export function topicToSubject(base: string, topic: string): string {
  return `${base}.${topic.split('/').map(levelToken).join('.')}`;
}

/** The MQTT topic of a subject under `base`; undefined for a subject that is not one. */
export function subjectToTopic(base: string, subject: string): string | undefined {
  if (!subject.startsWith(`${base}.`)) return undefined;
  const levels: string[] = [];
  for (const token of subject.slice(base.length + 1).split('.')) {
    const level = tokenLevel(token);
    if (level === undefined) return undefined;
    levels.push(level);
  }
  return levels.join('/');
}

/** The NATS subjects that together receive every topic an MQTT filter (not shared) matches. */
export function filterToSubjects(base: string, filter: string): string[] {
  const levels = filter.split('/');
  const tokens = levels.map((level) => (level === '+' ? '*' : level === '#' ? '>' : levelToken(level)));
  const subject = `${base}.${tokens.join('.')}`;
  // `a/#` matches `a` too; `#` alone matches every topic, which always has a first level.
  if (levels.length > 1 && levels[levels.length - 1] === '#') return [subject, `${base}.${tokens.slice(0, -1).join('.')}`];
  return [subject];
}
