import { useEffect, useState } from 'preact/hooks';
import { href, route, setQuery } from '../router';
import { REFERENCE_QUERIES, cell, metricPerThing, runSearch, type TimeRange } from '../search';
import { streamsHealth } from '../aws';
import { listAll, listPage, type FleetThing } from '../lists';
import { ApiPanel, RefreshPicker, SearchPanel, useDashboardRefresh } from '../components/panel';
import { Empty, ObjectTable, formatTime } from '../components/common';
import { TimeRangePicker } from '../components/time-range';
import { ConnectionState } from './fleet-page';

/** The presets a dashboard opens on, shortest first, with their length in seconds ('' is all time). */
const COVERING: ReadonlyArray<readonly [string, number]> = [
  ['-60m', 3600],
  ['-4h', 4 * 3600],
  ['-24h', 86400],
  ['-7d', 7 * 86400],
  ['-30d', 30 * 86400],
];

/** The shortest preset that covers every metrics event (at least the last hour; all time when older than 30 days). */
async function coveringRange(): Promise<TimeRange> {
  const result = await runSearch(`${REFERENCE_QUERIES.all} | stats min(_time) as first`, { earliest: '' });
  const raw = cell(result.rows[0]?.['first']);
  const first = /^\d+(\.\d+)?$/.test(raw) ? Number(raw) : Date.parse(raw) / 1000;
  if (raw === '' || Number.isNaN(first)) return { earliest: '-60m', latest: '' };
  const age = Date.now() / 1000 - first;
  return { earliest: COVERING.find(([, secs]) => age <= secs)?.[0] ?? '', latest: '' };
}

/** The built-in "Fleet security posture" dashboard: the reference searches plus detect, audit and stream state; things in violation first. */
export function PostureDashboard() {
  const initial = route.value.query;
  const [range, setRange] = useState<TimeRange | undefined>(initial.has('earliest') ? { earliest: initial.get('earliest') ?? '', latest: initial.get('latest') ?? '' } : undefined);
  const [things, setThings] = useState<FleetThing[]>([]);
  const [thing, setThing] = useState(initial.get('thing') ?? '');
  const [every, setEvery] = useState(initial.get('refresh') ?? '');
  const refresh = useDashboardRefresh(every);
  useEffect(() => {
    if (range === undefined) coveringRange().then(setRange, () => setRange({ earliest: '-60m', latest: '' }));
  }, []);
  useEffect(() => {
    // Things in violation first (newest violation first): the picker starts on the newest one.
    listAll('things', { sort: 'violations' }).then(
      (list) => {
        setThings(list);
        if (thing === '' && list[0] !== undefined) setThing(list[0].thingName);
      },
      () => setThings([]),
    );
  }, []);
  useEffect(() => setQuery({ thing, earliest: range?.earliest, latest: range?.latest, refresh: every }), [thing, range?.earliest, range?.latest, every]);
  const violating = things.filter((t) => t.openViolations > 0);
  const quiet = things.filter((t) => t.openViolations === 0);
  return (
    <section aria-labelledby="posture-title">
      <h1 id="posture-title">Fleet security posture</h1>
      <div class="toolbar">
        {range === undefined ? <progress aria-label="finding the data's time range" /> : <TimeRangePicker value={range} onChange={setRange} />}
        <label for="thing-picker">Thing</label>
        <select id="thing-picker" value={thing} onChange={(e) => setThing((e.target as HTMLSelectElement).value)}>
          {things.length === 0 ? <option value={thing}>{thing === '' ? '(no things registered)' : thing}</option> : null}
          {violating.length === 0 ? null : (
            <optgroup label="In violation">
              {violating.map((t) => (
                <option key={t.thingName} value={t.thingName}>
                  {t.thingName} ({t.openViolations})
                </option>
              ))}
            </optgroup>
          )}
          {quiet.length === 0 ? null : (
            <optgroup label={violating.length === 0 ? 'Things' : 'Other things'}>
              {quiet.map((t) => (
                <option key={t.thingName} value={t.thingName}>
                  {t.thingName}
                </option>
              ))}
            </optgroup>
          )}
        </select>
        <RefreshPicker value={every} onChange={setEvery} />
      </div>
      {range === undefined ? null : (
        <div class="grid">
          <ApiPanel
            title="Things in violation"
            refresh={refresh}
            load={() => listPage('things', { inViolation: true, sort: 'violations', limit: 25 })}
            render={(page) => ({
              state: 'data',
              body:
                page.total === 0 ? (
                  <Empty title="No thing is in violation">No behavior is in alarm.</Empty>
                ) : (
                  <>
                    <ObjectTable
                      items={page.items}
                      caption="Things in violation"
                      rowClass={(t) => (t.thingName === thing ? 'selected in-violation' : 'in-violation')}
                      columns={[
                        { label: 'Thing', render: (t) => <a {...href(`/fleet/things/${encodeURIComponent(t.thingName)}`)} class="name" title={t.thingName}>{t.thingName}</a> },
                        { label: 'Open violations', render: (t) => t.openViolations },
                        { label: 'Newest since', render: (t) => formatTime(t.lastViolationTime) },
                        { label: 'Connection', render: (t) => <ConnectionState connection={t.connection} /> },
                        { label: 'Dashboard', render: (t) => (t.thingName === thing ? <span class="muted">shown</span> : <button type="button" onClick={() => setThing(t.thingName)} aria-label={`Show ${t.thingName} on this dashboard`}>Show</button>) },
                      ]}
                    />
                    {page.total > page.items.length ? (
                      <p class="muted">
                        {page.items.length} of {page.total}: <a {...href('/fleet?inViolation=true')}>all things in violation</a>
                      </p>
                    ) : null}
                  </>
                ),
            })}
          />
          {thing === '' ? null : <SearchPanel title={`Open ports on ${thing}`} query={REFERENCE_QUERIES.openPorts(thing)} visualization="column" range={range} refresh={refresh} />}
          <SearchPanel title="Listening TCP ports per thing" query={REFERENCE_QUERIES.listeningPorts} visualization="line" range={range} refresh={refresh} />
          <ApiPanel
            title="Active violations"
            refresh={refresh}
            load={() => listPage('activeViolations', { limit: 25 })}
            render={(page) => ({
              state: 'data',
              body:
                page.total === 0 ? (
                  <Empty title="No active violations">No behavior is in alarm.</Empty>
                ) : (
                  <>
                    <ObjectTable items={page.items} caption="Active violations" columns={[{ label: 'Thing', render: (v) => <a {...href(`/fleet/things/${encodeURIComponent(v.thingName)}`)} class="name" title={v.thingName}>{v.thingName}</a> }, { label: 'Behavior', render: (v) => v.behavior?.name ?? '' }, { label: 'Profile', render: (v) => v.securityProfileName }, { label: 'Since', render: (v) => formatTime(v.violationStartTime) }, { label: 'Verification', render: (v) => v.verificationState ?? 'UNKNOWN' }]} />
                    {page.total > page.items.length ? (
                      <p class="muted">
                        newest {page.items.length} of {page.total}: <a {...href('/detect')}>all active violations</a>
                      </p>
                    ) : null}
                  </>
                ),
            })}
          />
          <SearchPanel title="Bytes out per thing" query={metricPerThing('aws:all-bytes-out', 'max', 'bytes_out')} visualization="area" range={range} refresh={refresh} />
          <SearchPanel title="Packets out per thing" query={metricPerThing('aws:all-packets-out', 'max', 'packets_out')} visualization="area" range={range} refresh={refresh} />
          <SearchPanel title="Authorization failures" query={metricPerThing('aws:num-authorization-failures', 'sum', 'failures')} visualization="column" range={range} refresh={refresh} />
          <ApiPanel
            title="Audit findings by check and severity"
            refresh={refresh}
            load={() => listAll('auditFindings', { days: 30, suppressed: false })}
            render={(findings) => {
              const counts = new Map<string, number>();
              for (const f of findings) counts.set(`${f.checkName}\u0000${f.severity ?? ''}`, (counts.get(`${f.checkName}\u0000${f.severity ?? ''}`) ?? 0) + 1);
              const items = [...counts.entries()].map(([k, n]) => ({ check: k.split('\u0000')[0] ?? '', severity: k.split('\u0000')[1] ?? '', n })).sort((a, b) => b.n - a.n);
              return { state: 'data', body: items.length === 0 ? <Empty title="No open findings">The last 30 days of audits found nothing non-compliant.</Empty> : <ObjectTable items={items} caption="Audit findings by check and severity" columns={[{ label: 'Check', render: (i) => i.check }, { label: 'Severity', render: (i) => <span class={`sev sev-${i.severity.toLowerCase()}`}>{i.severity}</span> }, { label: 'Findings', render: (i) => i.n }]} /> };
            }}
          />
          <SearchPanel title="Audit detail events" query={`${REFERENCE_QUERIES.auditDetails} | table _time checkName checkRunStatus nonCompliantResourcesCount totalResourcesCount`} visualization="table" range={range} refresh={refresh} />
          <ApiPanel
            title="Delivery-stream health"
            refresh={refresh}
            load={() => streamsHealth()}
            render={(streams) => ({
              state: streams.length === 0 ? 'empty' : 'data',
              body: streams.length === 0 ? <Empty title="No delivery streams" /> : <StreamTable streams={streams} />,
            })}
          />
        </div>
      )}
    </section>
  );
}

export function StreamTable({ streams }: { streams: Array<{ name: string; status?: Record<string, unknown>; error?: string }> }) {
  const n = (v: unknown): number => (typeof v === 'number' ? v : 0);
  return (
    <ObjectTable
      items={streams}
      caption="Delivery streams"
      columns={[
        { label: 'Stream', render: (s) => s.name },
        { label: 'Freshness', render: (s) => (s.status === undefined ? s.error : `${n(s.status['dataFreshnessSecs'])} s`) },
        { label: 'Delivered', render: (s) => n(s.status?.['deliveredRecords']) },
        { label: 'Failed (backed up)', render: (s) => Object.values((s.status?.['backedUpRecords'] as Record<string, number> | undefined) ?? {}).reduce((a, b) => a + b, 0) },
        { label: 'Outbox', render: (s) => n(s.status?.['outboxRecords']) },
        { label: 'Last error', render: (s) => ((s.status?.['lastError'] as { code?: string } | null | undefined)?.code ?? '—') },
      ]}
    />
  );
}
