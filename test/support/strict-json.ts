/**
 * A JSON parser that rejects what JSON.parse lets through silently: a key repeated in one object
 * (JSON.parse keeps the last value). Written for the log-line tests; RFC 8259 grammar otherwise.
 */
export function parseStrictJson(text: string): unknown {
  let at = 0;
  const fail = (what: string): never => {
    throw new SyntaxError(`${what} at offset ${at} of ${JSON.stringify(text.length > 200 ? `${text.slice(0, 200)}…` : text)}`);
  };
  const skip = (): void => {
    while (at < text.length && ' \t\n\r'.includes(text[at] as string)) at++;
  };
  const expect = (char: string): void => {
    skip();
    if (text[at] !== char) fail(`expected ${char}`);
    at++;
  };
  const string = (): string => {
    expect('"');
    const start = at - 1;
    while (at < text.length && text[at] !== '"') at += text[at] === '\\' ? 2 : 1;
    if (at >= text.length) fail('unterminated string');
    at++;
    return JSON.parse(text.slice(start, at)) as string;
  };
  const value = (): unknown => {
    skip();
    const char = text[at];
    if (char === '{') {
      at++;
      const out: Record<string, unknown> = {};
      const keys = new Set<string>();
      skip();
      if (text[at] === '}') return at++, out;
      for (;;) {
        const key = string();
        if (keys.has(key)) fail(`duplicate key "${key}"`);
        keys.add(key);
        expect(':');
        out[key] = value();
        skip();
        if (text[at] === ',') at++;
        else if (text[at] === '}') return at++, out;
        else fail('expected , or }');
      }
    }
    if (char === '[') {
      at++;
      const out: unknown[] = [];
      skip();
      if (text[at] === ']') return at++, out;
      for (;;) {
        out.push(value());
        skip();
        if (text[at] === ',') at++;
        else if (text[at] === ']') return at++, out;
        else fail('expected , or ]');
      }
    }
    if (char === '"') return string();
    const literal = /^(?:-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)/.exec(text.slice(at));
    if (literal === null) return fail('unexpected character');
    at += literal[0].length;
    return JSON.parse(literal[0]) as unknown;
  };
  const result = value();
  skip();
  if (at !== text.length) fail('trailing text');
  return result;
}
