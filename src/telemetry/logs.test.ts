import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { parseStrictJson } from '../../test/support/strict-json.js';
import { RotatingFile, Telemetry, createLogger, humanLine } from './index.js';

function capture(): { text: () => string; stream: Writable } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk.toString('utf8'));
      callback();
    },
  });
  return { stream, text: () => chunks.join('') };
}

describe('the strict JSON parser used on log lines', () => {
  it('rejects a repeated key that JSON.parse would accept, and parses everything else like JSON.parse', () => {
    const duplicated = '{"component":"siem","component":"hec"}';
    expect(JSON.parse(duplicated)).toEqual({ component: 'hec' });
    expect(() => parseStrictJson(duplicated)).toThrow(/duplicate key "component"/);
    const fine = '{"a":[1,-2.5e3,true,null,{"b":"x\\"y\\u00e9"}],"c":{}}';
    expect(parseStrictJson(fine)).toEqual(JSON.parse(fine));
    expect(() => parseStrictJson('{"a":1} x')).toThrow(/trailing/);
  });
});

describe('log lines', () => {
  it('a child of a child, an event label and fields named like pino keys never repeat a key in a line', () => {
    const out = capture();
    const telemetry = new Telemetry(createLogger({ level: 'debug', format: 'json', destination: out.stream }));
    const hec = telemetry.child('siem').child('hec');
    hec.emit('server_started', { component: 'hec' }, { url: 'http://127.0.0.1:1', time: 5, msg: 'x', level: 'loud' });
    hec.emit('hec_request', { code: 0 });
    const lines = out.text().trim().split('\n').map((l) => parseStrictJson(l) as Record<string, unknown>);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({ component: 'hec', event: 'server_started', url: 'http://127.0.0.1:1', field_time: 5, field_msg: 'x', field_level: 'loud', level: 30, msg: 'server started' });
    expect(lines[1]).toMatchObject({ component: 'hec', event: 'hec_request', code: '0', level: 20 });
    expect(telemetry.counter('server_started', { component: 'hec' })).toBe(1);
  });

  it('renders one JSON line as one readable line: time, level, component, message, fields; colour only when asked', () => {
    const json = JSON.stringify({ level: 40, time: Date.UTC(2026, 0, 2, 3, 4, 5, 6), pid: 1, component: 'stream', event: 'stream_delivery_failed', stream: 'siem', msg: 'stream delivery failed', err: { type: 'Error', message: 'connect ECONNREFUSED\nat line 2', stack: 'Error: …' }, sizes: [1, 2] });
    const plain = humanLine(json, false);
    const time = new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 6));
    const hh = String(time.getHours()).padStart(2, '0');
    expect(plain).toBe(`${hh}:04:05.006 WARN  stream   stream delivery failed  stream=siem err="connect ECONNREFUSED\\nat line 2" sizes=[1,2]\n`);
    expect(plain.trimEnd()).not.toContain('\n');
    expect(plain).not.toContain('\u001b[');
    const coloured = humanLine(json, true);
    expect(coloured).toContain('\u001b[33mWARN \u001b[0m');
    expect(coloured.replace(/\u001b\[[0-9;]*m/g, '')).toBe(plain);
    expect(humanLine('not json', false)).toBe('not json\n');
  });
});

describe('the rotating log file', () => {
  it('rotates before a line would pass max_bytes, keeps max_files old files, and loses or splits no line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-log-'));
    try {
      const path = join(dir, 'log', 'vigil.log');
      const file = new RotatingFile({ path, maxBytes: 100, maxFiles: 2 });
      const lines = Array.from({ length: 20 }, (_, i) => `{"n":"${String(i).padStart(3, '0')}","pad":"${'x'.repeat(20)}"}\n`);
      for (const line of lines) file.write(line);
      file.close();
      file.write('after close is ignored\n');
      expect(readdirSync(join(dir, 'log')).sort()).toEqual(['vigil.log', 'vigil.log.1', 'vigil.log.2']);
      const kept = [`${path}.2`, `${path}.1`, path].map((p) => readFileSync(p, 'utf8'));
      for (const text of kept) {
        expect(Buffer.byteLength(text)).toBeLessThanOrEqual(100);
        for (const line of text.trim().split('\n')) expect(() => parseStrictJson(line)).not.toThrow();
      }
      // Oldest files were deleted; what is kept is the newest lines, in order, with none missing.
      const joined = kept.join('');
      expect(lines.join('').endsWith(joined)).toBe(true);
      expect(joined.split('\n').filter(Boolean).length).toBeGreaterThanOrEqual(6);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
