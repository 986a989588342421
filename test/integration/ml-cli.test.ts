import { writeFileSync } from 'node:fs';
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

describe('vigil ml', () => {
  it('writes a labelled corpus and evaluates it per confidence level as JSON', async () => {
    const out = join(dir.path, 'corpus');
    const written = await vigilCli('ml', 'corpus', '--out', out, '--devices', '10', '--days', '6');
    expect(written).toMatchObject({ code: 0, out: expect.stringContaining('10 devices × 6 days, 7 incidents') });
    const evaluated = await vigilCli('ml', 'evaluate', '--corpus', out, '--json');
    expect(evaluated.code).toBe(0);
    const result = JSON.parse(evaluated.out) as { levels: Record<string, { detectionRate: number; falseAlarmsPer100DeviceDays: number; medianDatapointsToDetect: number | null; byIncident: Record<string, { incidents: number }> }>; score: number };
    expect(Object.keys(result.levels)).toEqual(['LOW', 'MEDIUM', 'HIGH']);
    expect(Object.keys(result.levels['MEDIUM']?.byIncident ?? {}).sort()).toEqual(['authorization-failure-burst', 'bytes-out-x10', 'connect-flapping', 'message-size-jump', 'new-listening-port', 'packets-out-surge', 'slow-bytes-out-ramp']);
    expect(result.levels['MEDIUM']?.detectionRate).toBeGreaterThanOrEqual(6 / 7);
    expect(typeof result.score).toBe('number');
  });

  it('backtests a CSV series: pending until the minimum data, then scores and raises on a jump', async () => {
    const start = Date.UTC(2026, 0, 5);
    const lines = ['timestamp,value'];
    for (let i = 0; i < 2100; i++) lines.push(`${(start + i * 60_000) / 1000},${1000 + ((i * 37) % 100)}`);
    lines.push(`${(start + 2100 * 60_000) / 1000},20000`);
    const file = join(dir.path, 'series.csv');
    writeFileSync(file, `${lines.join('\n')}\n`);
    writeFileSync(join(dir.path, 'vigil.yaml'), 'ml:\n  min_hours: 24\n  min_datapoints: 1440\n');
    const result = await vigilCli('ml', 'backtest', '--input', file, '--confidence', 'HIGH', '--json', '--config', join(dir.path, 'vigil.yaml'));
    expect(result.code).toBe(0);
    const parsed = JSON.parse(result.out) as { alarms: number; points: Array<{ modelStatus: string; inAlarm: boolean; event: string | null; score: number | null }> };
    expect(parsed.points[0]).toMatchObject({ modelStatus: 'PENDING_BUILD', score: null });
    expect(parsed.points[1500]?.modelStatus).toBe('ACTIVE');
    expect(parsed.points.at(-1)).toMatchObject({ inAlarm: true, event: 'in-alarm' });
    expect(parsed.alarms).toBe(1);
  });
});
