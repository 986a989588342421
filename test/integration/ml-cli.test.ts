import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { run } from '../../src/cli/main.js';
import { tempDir } from '../support/temp.js';

const dir = tempDir('vigil-ml-');
afterAll(() => dir.remove());

async function vigilCli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io = { out: (t: string) => void (out += t), err: (t: string) => void (err += t), isTty: false };
  const code = await run(['node', 'vigil', ...args], io, { HOME: dir.path });
  return { code, out, err };
}

/** A series at `stepSecs` with a daily curve and deterministic jitter; `jumpAt` gets ×20. */
function series(start: number, points: number, stepSecs: number, jumpAt: number, stamp: (t: number) => string): string[] {
  const lines = ['timestamp,value'];
  for (let i = 0; i < points; i++) {
    const t = start + i * stepSecs * 1000;
    const daily = Math.sin(((t % 86_400_000) / 86_400_000) * 2 * Math.PI);
    const jitter = 0.95 + 0.1 * (((i * 7919) % 1000) / 1000);
    lines.push(`${stamp(t)},${Math.round(1000 * Math.exp(0.3 * daily) * jitter * (i === jumpAt ? 20 : 1))}`);
  }
  return lines;
}

describe('vigil ml', () => {
  it('writes the security scenario corpus and evaluates it per confidence level as JSON', async () => {
    const out = join(dir.path, 'corpus');
    const written = await vigilCli('ml', 'corpus', '--out', out, '--devices', '10', '--days', '6');
    expect(written).toMatchObject({ code: 0, out: expect.stringContaining('10 devices × 6 days, 9 incidents') });
    const evaluated = await vigilCli('ml', 'evaluate', '--corpus', out, '--json');
    expect(evaluated.code).toBe(0);
    const result = JSON.parse(evaluated.out) as { levels: Record<string, { detectionRate: number; byIncident: Record<string, { incidents: number; detected: number }> }>; score: number };
    expect(Object.keys(result.levels)).toEqual(['LOW', 'MEDIUM', 'HIGH']);
    const medium = result.levels['MEDIUM'];
    expect(Object.keys(medium?.byIncident ?? {}).sort()).toEqual(['authorization-failure-burst', 'bytes-out-x10', 'connect-flapping', 'device-goes-silent', 'message-size-jump', 'new-listening-port', 'packets-out-surge', 'repeat-of-last-weeks-exfiltration', 'slow-bytes-out-ramp']);
    expect(medium?.byIncident['device-goes-silent']?.detected).toBe(1);
    expect(medium?.detectionRate).toBeGreaterThanOrEqual(8 / 9);
  });

  it('evaluates detectors side by side on a slice of the labelled corpus: NAB scores per profile and per family', async () => {
    const result = await vigilCli('ml', 'evaluate', '--cadences', '3600', '--kinds', 'sparse', '--detectors', 'vigil,windowed-gaussian', '--json');
    expect(result.code).toBe(0);
    const parsed = JSON.parse(result.out) as { corpus: { series: number; fleets: number; families: string[] }; detectors: Array<{ name: string; levels: Record<string, { scores: Record<string, number> }>; best: Record<string, { threshold: number; scores: Record<string, number>; byFamily: Record<string, { windows: number }> }> }> };
    expect(parsed.corpus).toMatchObject({ fleets: 2, families: ['spike', 'level-up', 'repeat'] });
    expect(parsed.detectors.map((d) => d.name)).toEqual(['vigil', 'windowed-gaussian']);
    const [vigil, gaussian] = parsed.detectors;
    expect(Object.keys(vigil?.levels ?? {})).toEqual(['LOW', 'MEDIUM', 'HIGH']);
    expect(Object.keys(gaussian?.levels ?? {})).toEqual([]);
    expect(Object.keys(vigil?.best ?? {})).toEqual(['standard', 'lowFp', 'lowFn']);
    // Two windows per repeat series (the first burst and its repeat), one per other series: 2 fleets × (1 + 1 + 2).
    const windows = Object.values(vigil?.best['standard']?.byFamily ?? {}).reduce((a, f) => a + f.windows, 0);
    expect(windows).toBe(8);
    const text = await vigilCli('ml', 'evaluate', '--cadences', '3600', '--kinds', 'sparse', '--detectors', 'vigil');
    expect(text.out).toContain('NAB scores (null detector 0, perfect 100)');
    expect(text.out).toMatch(/repeat\s+\S+ \(\d\/4\)/);
  });

  it('backtests a directory of CSVs in one call, one timestamp,anomaly_score file per input at the same relative path', async () => {
    const input = join(dir.path, 'series');
    mkdirSync(join(input, 'site-b'), { recursive: true });
    const start = Date.UTC(2026, 0, 5);
    // Epoch seconds at 5 minutes, a jump on day 3; ISO 8601 at 1 hour, a jump on day 6.
    writeFileSync(join(input, 'a.csv'), `${series(start, 1000, 300, 900, (t) => String(t / 1000)).join('\n')}\n`);
    writeFileSync(join(input, 'site-b', 'b.csv'), `${series(start, 160, 3600, 150, (t) => new Date(t).toISOString()).join('\n')}\n`);
    writeFileSync(join(input, 'notes.txt'), 'not a series');
    const out = join(dir.path, 'scores');
    const result = await vigilCli('ml', 'backtest', '--input', input, '--out', out, '--level', 'HIGH', '--training', '2d', '--json');
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.out) as { level: string; files: Array<{ file: string; points: number; trainedFrom: string; alarms: string[] }> };
    expect(summary.level).toBe('HIGH');
    expect(summary.files.map((f) => [f.file, f.points])).toEqual([['a.csv', 1000], [join('site-b', 'b.csv'), 160]]);
    // The training span is 2 days: alarms count from the first datapoint after it.
    expect(summary.files[0]?.trainedFrom).toBe(String((start + 576 * 300_000) / 1000));
    expect(summary.files[0]?.alarms).toEqual([String((start + 900 * 300_000) / 1000)]);
    expect(summary.files[1]?.alarms).toEqual([new Date(start + 150 * 3_600_000).toISOString()]);
    const a = readFileSync(join(out, 'a.csv'), 'utf8').trim().split('\n');
    expect(a[0]).toBe('timestamp,anomaly_score');
    expect(a).toHaveLength(1001);
    expect(a[1]).toMatch(/^1767571200,(0|1)\.\d{6}$/);
    const b = readFileSync(join(out, 'site-b', 'b.csv'), 'utf8').trim().split('\n');
    expect(b).toHaveLength(161);
    const jump = Number(b[151]?.split(',')[1]);
    const before = Number(b[150]?.split(',')[1]);
    expect(jump).toBeGreaterThan(before);
    expect(jump).toBeGreaterThanOrEqual(0.5);
  });

  it('rejects a malformed series with the file and line, and documents --level and --training', async () => {
    const bad = join(dir.path, 'bad.csv');
    writeFileSync(bad, 'timestamp,value\n1767571200,10\n1767571500,ten\n');
    const result = await vigilCli('ml', 'backtest', '--input', bad, '--out', join(dir.path, 'bad-out'));
    expect(result.code).toBe(1);
    expect(result.err).toContain('bad.csv: line 3: expected timestamp,value');
    const help = await vigilCli('ml', 'backtest', '--help');
    expect(help.out).toContain('--level <level>');
    expect(help.out).toContain('--training <duration>');
  });
});
