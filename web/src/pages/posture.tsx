import { useEffect, useState } from 'preact/hooks';
import { route, setQuery } from '../router';
import { metricPerThing, REFERENCE_QUERIES, type TimeRange } from '../search';
import { activeViolations, auditFindings, listThings, streamsHealth } from '../aws';
import { ApiPanel, SearchPanel } from '../components/panel';
import { Empty, ObjectTable, formatTime } from '../components/common';
import { TimeRangePicker } from '../components/time-range';
import { liveTick } from '../live';
import { href } from '../router';

/** The built-in "Fleet security posture" dashboard: the reference searches plus detect, audit and stream state. */
export function PostureDashboard() {
  const initial = route.value.query;
  const [range, setRange] = useState<TimeRange>({ earliest: initial.get('earliest') ?? '-24h', latest: initial.get('latest') ?? '' });
  const [things, setThings] = useState<string[]>([]);
  const [thing, setThing] = useState(initial.get('thing') ?? '');
  useEffect(() => {
    listThings().then(
      (list) => {
        const names = list.map((t) => t.thingName).sort();
        setThings(names);
        if (thing === '' && names[0] !== undefined) setThing(names[0]);
      },
      () => setThings([]),
    );
  }, []);
  useEffect(() => setQuery({ thing, earliest: range.earliest, latest: range.latest }), [thing, range.earliest, range.latest]);
  const refresh = liveTick.value;
  return (
    <section aria-labelledby="posture-title">
      <h1 id="posture-title">Fleet security posture</h1>
      <div class="toolbar">
        <TimeRangePicker value={range} onChange={setRange} />
        <label for="thing-picker">Thing</label>
        <select id="thing-picker" value={thing} onChange={(e) => setThing((e.target as HTMLSelectElement).value)}>
          {things.length === 0 ? <option value="">(no things registered)</option> : null}
          {things.map((t) => (
            <option key={t} value={t}>
              {t}
            </option>
          ))}
        </select>
      </div>
      <div class="grid">
        <SearchPanel title="Listening TCP ports per thing" query={REFERENCE_QUERIES.listeningPorts} visualization="line" range={range} />
        {thing === '' ? null : <SearchPanel title={`Open ports on ${thing}`} query={REFERENCE_QUERIES.openPorts(thing)} visualization="column" range={range} />}
        <SearchPanel title="Bytes out per thing" query={metricPerThing('aws:all-bytes-out', 'max', 'bytes_out')} visualization="area" range={range} />
        <SearchPanel title="Packets out per thing" query={metricPerThing('aws:all-packets-out', 'max', 'packets_out')} visualization="area" range={range} />
        <SearchPanel title="Authorization failures" query={metricPerThing('aws:num-authorization-failures', 'sum', 'failures')} visualization="column" range={range} />
        <ApiPanel
          title="Active violations"
          refresh={refresh}
          load={() => activeViolations()}
          render={(list) => ({
            state: 'data',
            body:
              list.length === 0 ? (
                <Empty title="No active violations">No behavior is in alarm.</Empty>
              ) : (
                <ObjectTable items={list} caption="Active violations" columns={[{ label: 'Thing', render: (v) => <a {...href(`/fleet/things/${encodeURIComponent(v.thingName)}`)}>{v.thingName}</a> }, { label: 'Behavior', render: (v) => v.behavior?.name ?? '' }, { label: 'Profile', render: (v) => v.securityProfileName }, { label: 'Since', render: (v) => formatTime(v.violationStartTime) }, { label: 'Verification', render: (v) => v.verificationState ?? 'UNKNOWN' }]} />
              ),
          })}
        />
        <ApiPanel
          title="Audit findings by check and severity"
          refresh={refresh}
          load={() => auditFindings({ days: 30 })}
          render={(findings) => {
            const counts = new Map<string, number>();
            for (const f of findings) if (f.isSuppressed !== true) counts.set(`${f.checkName}\u0000${f.severity ?? ''}`, (counts.get(`${f.checkName}\u0000${f.severity ?? ''}`) ?? 0) + 1);
            const items = [...counts.entries()].map(([k, n]) => ({ check: k.split('\u0000')[0] ?? '', severity: k.split('\u0000')[1] ?? '', n })).sort((a, b) => b.n - a.n);
            return { state: 'data', body: items.length === 0 ? <Empty title="No open findings">The last 30 days of audits found nothing non-compliant.</Empty> : <ObjectTable items={items} caption="Audit findings by check and severity" columns={[{ label: 'Check', render: (i) => i.check }, { label: 'Severity', render: (i) => <span class={`sev sev-${i.severity.toLowerCase()}`}>{i.severity}</span> }, { label: 'Findings', render: (i) => i.n }]} /> };
          }}
        />
        <SearchPanel title="Audit detail events" query={`${REFERENCE_QUERIES.auditDetails} | table _time checkName checkRunStatus nonCompliantResourcesCount totalResourcesCount`} visualization="table" range={range} />
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
