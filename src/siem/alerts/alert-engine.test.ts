import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeTime, ok } from '../../core/index.js';
import type { Notifier } from '../../model/index.js';
import { migrateRegistry, openSqliteRegistry, savedSearchRepository, type RegistryDb } from '../../store/index.js';
import { Telemetry, createLogger } from '../../telemetry/index.js';
import { tempDir } from '../../../test/support/temp.js';
import type { ResultRow, SearchRequest, SearchResult } from '../spl/execute.js';
import { AlertEngine } from './alert-engine.js';

const MIN = 60_000;
const START = Date.UTC(2026, 0, 1, 0, 0, 0);

describe('alert engine schedule, throttling and history on a fake clock', () => {
  const dir = tempDir();
  let db: RegistryDb;
  let time: FakeTime;
  let engine: AlertEngine;
  /** What the "SIEM" answers: rows per call, or an error. */
  let answer: (request: SearchRequest) => ResultRow[];
  const searches: Array<{ at: string; request: SearchRequest }> = [];
  const published: Array<{ topic: string; message: Record<string, unknown>; subject: string | undefined }> = [];

  beforeEach(async () => {
    time = new FakeTime(START);
    db = openSqliteRegistry(`${dir.path}/alerts-${Math.random().toString(36).slice(2)}.sqlite`);
    const migrated = await migrateRegistry(db);
    if (!migrated.ok) throw migrated.error;
    searches.length = 0;
    published.length = 0;
    answer = () => [];
    const notifier: Notifier = {
      async publish(topic, message, subject) {
        published.push({ topic, message: JSON.parse(message) as Record<string, unknown>, subject });
        return ok('id');
      },
    };
    engine = new AlertEngine({
      store: savedSearchRepository(db),
      async search(request) {
        searches.push({ at: new Date(Number(request.latest) * 1000).toISOString(), request });
        return { rows: answer(request), columns: [], transforming: true } as unknown as SearchResult;
      },
      notifier,
      clock: time,
      timer: time,
      telemetry: new Telemetry(createLogger({ level: 'silent', format: 'json' })),
      options: { bundled: [] },
    });
    await engine.start();
  });

  afterEach(async () => {
    await engine.stop();
    await db.close();
  });

  it('runs an enabled search at each cron slot (UTC) with its time range, and not a disabled one', async () => {
    await engine.create({ name: 'every-5', search: 'index=main | stats count', cron: '*/5 * * * *', earliest: '-5m' });
    await engine.create({ name: 'off', search: 'index=main', cron: '* * * * *', enabled: false });
    expect(new Date(engine.nextRuns().get('every-5') as number).toISOString()).toBe('2026-01-01T00:05:00.000Z');
    await time.advance(16 * MIN);
    await engine.idle();
    expect(searches.map((s) => s.at)).toEqual(['2026-01-01T00:05:00.000Z', '2026-01-01T00:10:00.000Z', '2026-01-01T00:15:00.000Z']);
    // the time range is resolved at the slot: [slot - 5m, slot)
    expect(searches[0]?.request).toMatchObject({ query: 'index=main | stats count', earliest: String((START + 0 * MIN) / 1000), latest: String((START + 5 * MIN) / 1000) });
    expect((await engine.history('every-5')).map((r) => [r.cause, r.status])).toEqual([['schedule', 'not_fired'], ['schedule', 'not_fired'], ['schedule', 'not_fired']]);
    expect(await engine.history('off')).toEqual([]);
  });

  it('re-arms when a search is changed, enabled or deleted', async () => {
    await engine.create({ name: 's', search: 'index=main', cron: '0 * * * *' });
    await engine.update('s', { cron: '*/10 * * * *' });
    await time.advance(10 * MIN);
    await engine.idle();
    expect(searches.map((s) => s.at)).toEqual(['2026-01-01T00:10:00.000Z']);
    await engine.setEnabled('s', false);
    await time.advance(30 * MIN);
    await engine.idle();
    expect(searches).toHaveLength(1);
    await engine.setEnabled('s', true);
    await engine.delete('s');
    await time.advance(30 * MIN);
    expect(searches).toHaveLength(1);
    expect(engine.nextRuns().size).toBe(0);
  });

  it('per-result alert throttled per thing+port fires once per new pair, again after the period, and publishes each row to its topic', async () => {
    await engine.create({ name: 'ports', search: 'index=main', cron: '*/5 * * * *', alert: { trigger: 'per-result', actions: [{ type: 'topic', topic: 'soc' }], throttle: { periodSecs: 3600, fields: ['thing', 'port'] } } });
    answer = (request) => (Number(request.latest) * 1000 >= START + 10 * MIN ? [{ thing: 't3', port: '21' }] : []);
    await time.advance(30 * MIN);
    await engine.idle();
    expect((await engine.history('ports')).map((r) => r.status).reverse()).toEqual(['not_fired', 'fired', 'throttled', 'throttled', 'throttled', 'throttled']);
    expect(published).toHaveLength(1);
    expect(published[0]).toMatchObject({ topic: 'soc', subject: 'Vigil alert: ports', message: { search_name: 'ports', trigger: 'per-result', trigger_time: '2026-01-01T00:10:00.000+00:00', result: { thing: 't3', port: '21' }, results: [{ thing: 't3', port: '21' }] } });
    // a second port on the same thing is a new key; the first stays suppressed
    answer = () => [{ thing: 't3', port: '21' }, { thing: 't3', port: '23' }];
    await time.advance(5 * MIN);
    await engine.idle();
    expect(published.map((p) => (p.message['result'] as ResultRow)['port'])).toEqual(['21', '23']);
    // one hour after the first firing (00:10 → 01:10), 21 fires again; 23 (00:35) is still suppressed
    await time.advance(35 * MIN);
    await engine.idle();
    expect(published.map((p) => (p.message['result'] as ResultRow)['port'])).toEqual(['21', '23', '21']);
  });

  it('a failing search is a failed run with its error; the schedule goes on', async () => {
    await engine.create({ name: 'broken', search: 'index=main', cron: '*/5 * * * *', alert: { trigger: 'results>0', actions: [] } });
    answer = () => {
      throw Object.assign(new Error('boom'), {});
    };
    await time.advance(5 * MIN);
    await engine.idle();
    answer = () => [{ a: '1' }];
    await time.advance(5 * MIN);
    await engine.idle();
    const [latest, failed] = await engine.history('broken');
    expect(failed).toMatchObject({ status: 'failed', error: { message: expect.stringContaining('boom') as unknown as string } });
    expect(latest).toMatchObject({ status: 'fired', resultCount: 1, rows: [{ a: '1' }] });
  });

  it('keeps only the configured number of history entries, newest first', async () => {
    const small = new AlertEngine({ store: savedSearchRepository(db), search: async () => ({ rows: [] }) as unknown as SearchResult, clock: time, timer: time, telemetry: new Telemetry(createLogger({ level: 'silent', format: 'json' })), options: { bundled: [], historyPerSearch: 3 } });
    await small.create({ name: 'h', search: 'index=main', enabled: false });
    for (let i = 0; i < 5; i++) {
      time.set(START + i * MIN);
      await small.dispatch('h');
    }
    expect((await small.history('h')).map((r) => new Date(r.time).toISOString())).toEqual(['2026-01-01T00:04:00.000Z', '2026-01-01T00:03:00.000Z', '2026-01-01T00:02:00.000Z']);
  });
});
