/** Why `filter` is not a valid MQTT topic filter, or undefined when it is. */
export function checkTopicFilter(filter: string): string | undefined {
  if (filter === '') return 'the topic filter is empty';
  const levels = filter.split('/');
  for (let i = 0; i < levels.length; i++) {
    const level = levels[i] as string;
    if (level.includes('#') && (level !== '#' || i !== levels.length - 1)) return '"#" must be a whole level and the last one';
    if (level.includes('+') && level !== '+') return '"+" must be a whole level';
  }
  return undefined;
}

/** A matcher for an MQTT topic filter (`+` one level, `#` this level and all below). */
export function topicMatcher(filter: string): (topic: string) => boolean {
  const levels = filter.split('/');
  if (!filter.includes('+') && !filter.includes('#')) return (topic) => topic === filter;
  return (topic) => {
    const parts = topic.split('/');
    for (let i = 0; i < levels.length; i++) {
      const level = levels[i] as string;
      if (level === '#') return !(i === 0 && topic.startsWith('$'));
      const part = parts[i];
      if (part === undefined) return false;
      if (level === '+') {
        // MQTT: wildcards in the first level do not match `$` topics.
        if (i === 0 && part.startsWith('$')) return false;
        continue;
      }
      if (level !== part) return false;
    }
    return parts.length === levels.length;
  };
}
