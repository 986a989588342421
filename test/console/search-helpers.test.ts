import { describe, expect, it } from 'vitest';
import { addFilter, bucketSeconds, cellTerms, chartFields, chartsCounts, drilldown, statsBy, foldSeries, overField, seriesColor, splitField, timeError, PALETTE } from '../../web/src/search-text.js';

/** The console search page's pure helpers (web/src/search.ts); the page itself is tested in Chromium (test/e2e/search.test.ts). */
describe('typed times', () => {
  it('accepts what the SIEM reads as a time modifier', () => {
    for (const t of ['', 'now', '0', '1765123200', '-2h', '@d', '-7d@d', '-1w@w1', '+30m', '-15min', '-1mon@mon', '2026-12-07', '2026-12-07T10:00:00Z', '12/07/2026:10:00:00']) expect(timeError(t), t).toBeUndefined();
  });
  it('names what is wrong with anything else', () => {
    for (const t of ['-2x', 'yesterday', '2026-13-45', '@', '-h@']) expect(timeError(t), t).toMatch(/is not a/);
  });
});

describe('field filters and drilldown', () => {
  const base = 'index="aws_hfb" sourcetype="aws-iot-device-defender"';
  it('a field value joins a plain search, or follows a pipeline as | search', () => {
    expect(addFilter(base, 'thing', 'sim-camera-03')).toBe(`${base} thing="sim-camera-03"`);
    expect(addFilter(`${base} | spath name`, 'name', 'a "b"')).toBe(`${base} | spath name | search name="a \\"b\\""`);
    expect(addFilter(base, 'odd field', 'x')).toBe(`${base} "odd field"="x"`);
  });
  it('a chart point becomes the events behind it: the search before the chart, the split value, the bucket', () => {
    const q3 = `${base} | where thing="t" | spath value.ports{} output=open-ports | mvexpand open-ports | chart count(open-ports) over _time by open-ports`;
    expect(splitField(q3)).toBe('open-ports');
    expect(overField(q3)).toBe('_time');
    expect(drilldown(q3, { terms: [{ field: 'open-ports', value: '21' }], from: 100, to: 160 })).toEqual({ query: `${base} | where thing="t" | spath value.ports{} output=open-ports | mvexpand open-ports | search open-ports="21"`, earliest: '100', latest: '160' });
    // OTHER stands for many values: it narrows nothing.
    expect(drilldown(`${base} | timechart count by thing`, { terms: [{ field: 'thing', value: 'OTHER' }] })).toEqual({ query: base });
    expect(drilldown(`${base} | stats count by thing`, { terms: [{ field: 'thing', value: 'a' }] }).query).toBe(`${base} thing="a"`);
    expect(splitField(`${base} | chart count over thing`)).toBeUndefined();
    expect(overField(`${base} | chart count over thing`)).toBe('thing');
  });
  it('reads the row and split fields the way Splunk does: chart … by X Y rows by X; options after by are not fields', () => {
    expect(chartFields('x | chart count by thing')).toEqual({ x: 'thing' });
    expect(chartFields('x | chart count by thing port')).toEqual({ x: 'thing', split: 'port' });
    expect(chartFields('x | chart limit=0 max(v) over _time by thing')).toEqual({ x: '_time', split: 'thing' });
    expect(chartFields('x | timechart count by thing limit=5')).toEqual({ x: '_time', split: 'thing' });
    expect(chartFields('x | chart count by thing useother=f')).toEqual({ x: 'thing' });
    expect(statsBy('x | stats count, max(v) by thing, "port no"')).toEqual(['thing', 'port no']);
    expect(statsBy('x | stats count')).toEqual([]);
  });
  it('a table cell drills down by its row\'s by fields and, for a split chart, its column', () => {
    expect(cellTerms('x | stats count by thing, port', { thing: 'a', port: '21', count: '3' }, 'count')).toEqual([{ field: 'thing', value: 'a' }, { field: 'port', value: '21' }]);
    expect(cellTerms('x | chart count over _time by port', { _time: '2026-12-07T10:00:00Z', '21': '1', '22': '1' }, '21')).toEqual([{ field: 'port', value: '21' }]);
    expect(cellTerms('x | chart count by thing port', { thing: 'a', '21': '1' }, '21')).toEqual([{ field: 'thing', value: 'a' }, { field: 'port', value: '21' }]);
    expect(bucketSeconds([100, 160, 220, 400])).toBe(60);
    expect(bucketSeconds([100])).toBeUndefined();
  });
});

describe('charts', () => {
  it('counts (count, c, dc, sum) start at 0 and stack; max of a field named count does not', () => {
    expect(chartsCounts('x | chart count(open-ports) over _time by open-ports')).toBe(true);
    expect(chartsCounts('x | timechart count by thing')).toBe(true);
    expect(chartsCounts('x | timechart dc(port)')).toBe(true);
    expect(chartsCounts('x | chart max(value.count) as tcp_count over _time by thing')).toBe(false);
    expect(chartsCounts('x | stats count')).toBe(false);
  });
  it('a series has one colour wherever it is drawn, OTHER is grey', () => {
    expect(seriesColor('sim-camera-03')).toBe(seriesColor('sim-camera-03'));
    expect(PALETTE).toContain(seriesColor('sim-camera-03'));
    expect(seriesColor('OTHER')).not.toBe(seriesColor('sim-camera-03'));
    expect(new Set(Array.from({ length: 20 }, (_v, i) => seriesColor(`thing-${i}`))).size).toBeGreaterThan(8);
  });
  it('more than N series: the largest N-1 stay, the rest (and an OTHER already there) sum into OTHER', () => {
    const data = { x: '_time', xValues: [1, 2], series: [{ name: 'a', values: [1, null] }, { name: 'b', values: [5, 5] }, { name: 'c', values: [2, 2] }, { name: 'OTHER', values: [1, 1] }] };
    expect(foldSeries(data, 4)).toBe(data);
    expect(foldSeries(data, 3).series).toEqual([{ name: 'b', values: [5, 5] }, { name: 'c', values: [2, 2] }, { name: 'OTHER', values: [2, 1] }]);
  });
});
