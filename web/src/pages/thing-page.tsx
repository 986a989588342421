import { useEffect, useMemo, useState } from 'preact/hooks';
import { api, enc } from '../api';
import { certificateIdOf, type ActiveViolation, type ViolationEvent } from '../aws';
import { awsAll, listAll } from '../lists';
import { liveTick } from '../live';
import { href } from '../router';
import { MetricChart, THING_METRICS, violationWindows } from './thing-metrics';
import { INDEX, runSearch, SOURCETYPE, cell, type Row } from '../search';
import { Empty, ErrorBox, JsonView, ObjectTable, formatTime } from '../components/common';

interface CertInfo { certificateId: string; certificateArn: string; status: string; notAfter?: number }
const QUARANTINE_GROUP = 'quarantine';
const NO_WINDOWS: never[] = [];

function latestByMetric(rows: Row[]): Map<string, { time: string; value: unknown }> {
  const latest = new Map<string, { time: string; value: unknown }>();
  for (const row of rows) {
    let event: Record<string, unknown>;
    try {
      event = JSON.parse(cell(row['_raw'])) as Record<string, unknown>;
    } catch {
      continue;
    }
    const name = String(event['name'] ?? '');
    if (name === '' || latest.has(name)) continue;
    latest.set(name, { time: cell(row['_time']), value: event['value'] });
  }
  return latest;
}

export function ThingPage({ name }: { name: string }) {
  const [thing, setThing] = useState<Record<string, unknown> | undefined>();
  const [certs, setCerts] = useState<CertInfo[]>([]);
  const [groups, setGroups] = useState<string[]>([]);
  const [report, setReport] = useState<Map<string, { time: string; value: unknown }> | undefined>();
  const [timeline, setTimeline] = useState<ViolationEvent[] | undefined>();
  const [active, setActive] = useState<ActiveViolation[]>([]);
  const [seconds, setSeconds] = useState(86_400);
  const refresh = liveTick.value;
  const [error, setError] = useState<unknown>();
  const [message, setMessage] = useState('');
  const [reload, setReload] = useState(0);

  useEffect(() => {
    api<Record<string, unknown>>('GET', `/things/${enc(name)}`).then(setThing, setError);
    awsAll<{ groupName: string }>(`/things/${enc(name)}/thing-groups?maxResults=250`, 'thingGroups').then((list) => setGroups(list.map((g) => g.groupName)), () => setGroups([]));
    awsAll<string>(`/things/${enc(name)}/principals?maxResults=250`, 'principals')
      .then((principals) =>
        Promise.all(
          principals.filter((p) => p.includes(':cert/')).map(async (arn) => {
            const d = await api<{ certificateDescription: { certificateId: string; certificateArn: string; status: string; validity?: { notAfter?: number } } }>('GET', `/certificates/${enc(certificateIdOf(arn))}`);
            return { certificateId: d.certificateDescription.certificateId, certificateArn: d.certificateDescription.certificateArn, status: d.certificateDescription.status, notAfter: d.certificateDescription.validity?.notAfter };
          }),
        ),
      )
      .then(setCerts, setError);
  }, [name, reload]);
  useEffect(() => {
    runSearch(`index="${INDEX}" sourcetype="${SOURCETYPE}" | where thing="${name.replace(/"/g, '\\"')}" | where isnotnull(name) | head 200`, { earliest: '-7d' }).then((r) => setReport(latestByMetric(r.rows)), () => setReport(new Map()));
  }, [name]);
  useEffect(() => {
    listAll('violationEvents', { thingName: name, days: 30 }).then(setTimeline, () => setTimeline([]));
    listAll('activeViolations', { thingName: name }).then(setActive, () => setActive([]));
  }, [name, refresh]);
  const windows = useMemo(() => violationWindows(timeline ?? [], active), [timeline, active]);

  const act = async (label: string, action: () => Promise<unknown>): Promise<void> => {
    if (!confirm(`${label}?`)) return;
    setError(undefined);
    try {
      await action();
      setMessage(`${label}: done`);
      setReload((n) => n + 1);
    } catch (e) {
      setError(e);
    }
  };
  const quarantine = (): Promise<void> =>
    act(`Quarantine ${name} (add it to thing group "${QUARANTINE_GROUP}")`, async () => {
      await api('POST', `/thing-groups/${QUARANTINE_GROUP}`, { thingGroupProperties: { thingGroupDescription: 'Things isolated by an operator from the Vigil console' } }).catch(() => undefined);
      await api('PUT', '/thing-groups/addThingToThingGroup', { thingGroupName: QUARANTINE_GROUP, thingName: name });
    });

  const ports = report?.get('aws:listening-tcp-ports')?.value as { ports?: Array<number | { port: number }> } | undefined;
  const portList = (ports?.ports ?? []).map((p) => (typeof p === 'number' ? p : p.port));
  const established = [...(report?.entries() ?? [])].filter(([metric]) => /established|connections/i.test(metric));
  // Offending ports: listed by a port-set violation's value and outside its behavior's set.
  const offending = new Set(
    active.flatMap((v) => {
      const behavior = v.behavior as { metric?: string; criteria?: { value?: { ports?: number[] } } };
      if (behavior.metric !== 'aws:listening-tcp-ports') return [];
      const allowed = new Set(behavior.criteria?.value?.ports ?? []);
      const seen = ((v.lastViolationValue as { ports?: Array<number | { port: number }> } | undefined)?.ports ?? []).map((p) => (typeof p === 'number' ? p : p.port));
      return seen.filter((p) => !allowed.has(p));
    }),
  );
  return (
    <section aria-labelledby="thing-title">
      <p>
        <a {...href('/fleet')}>← Things</a>
      </p>
      <h1 id="thing-title">
        <span class="name" title={name}>
          {name}
        </span>
      </h1>
      <ErrorBox error={error} />
      {message === '' ? null : (
        <p role="status" class="ok">
          {message}
        </p>
      )}
      <div class="toolbar">
        <button type="button" onClick={() => void quarantine()} disabled={groups.includes(QUARANTINE_GROUP)}>
          {groups.includes(QUARANTINE_GROUP) ? 'Quarantined' : 'Quarantine'}
        </button>
        <a {...href(`/dashboards/posture?thing=${enc(name)}`)}>Posture dashboard</a>
        <a {...href(`/search?q=${enc(`index="${INDEX}" sourcetype="${SOURCETYPE}" | where thing="${name}"`)}`)}>Search events</a>
      </div>
      <div class="grid">
        <section class="panel" aria-labelledby="t-attrs">
          <h2 id="t-attrs">Thing</h2>
          {thing === undefined ? <progress aria-label="loading" /> : <JsonView value={{ thingName: thing['thingName'], thingTypeName: thing['thingTypeName'], attributes: thing['attributes'], version: thing['version'] }} />}
          <h3>Groups</h3>
          <p>{groups.length === 0 ? <span class="muted">none</span> : groups.join(', ')}</p>
        </section>
        <section class="panel" aria-labelledby="t-certs">
          <h2 id="t-certs">Certificates</h2>
          {certs.length === 0 ? <Empty title="No certificate attached" /> : (
            <ObjectTable
              items={certs}
              caption="Certificates of this thing"
              columns={[
                { label: 'Certificate', render: (c) => <code title={c.certificateId}>{c.certificateId.slice(0, 12)}…</code> },
                { label: 'Status', render: (c) => <span class={`status status-${c.status.toLowerCase()}`}>{c.status}</span> },
                { label: 'Expires', render: (c) => formatTime(c.notAfter) },
                { label: 'Action', render: (c) => (c.status === 'ACTIVE' ? <button type="button" onClick={() => void act(`Deactivate certificate ${c.certificateId.slice(0, 12)}…`, () => api('PUT', `/certificates/${enc(c.certificateId)}?newStatus=INACTIVE`))}>Deactivate</button> : null) },
              ]}
            />
          )}
        </section>
        <section class="panel" aria-labelledby="t-ports" data-state={report === undefined ? 'loading' : 'data'}>
          <h2 id="t-ports">Open ports</h2>
          {report === undefined ? <progress aria-label="loading" /> : portList.length === 0 ? <Empty title="No listening TCP ports reported" /> : (
            <ul class="ports" aria-label="Listening TCP ports">
              {portList.map((p) => (
                <li key={p} class={offending.has(p) ? 'offending' : undefined} title={offending.has(p) ? 'outside the expected set: in violation' : undefined}>
                  {p}
                </li>
              ))}
            </ul>
          )}
          <h3>Established connections</h3>
          {established.length === 0 ? <p class="muted">not reported in the exported metrics</p> : established.map(([metric, v]) => <p key={metric}>{metric}: {JSON.stringify(v.value)}</p>)}
        </section>
        <section class="panel" aria-labelledby="t-report">
          <h2 id="t-report">Latest report</h2>
          {report === undefined ? <progress aria-label="loading" /> : report.size === 0 ? <Empty title="No metrics received in the last 7 days" /> : (
            <ObjectTable items={[...report.entries()]} caption="Latest metric values" columns={[{ label: 'Metric', render: ([m]) => m }, { label: 'Value', render: ([, v]) => <code>{JSON.stringify(v.value)}</code> }, { label: 'At', render: ([, v]) => formatTime(v.time) }]} />
          )}
        </section>
        <section class="panel" aria-labelledby="t-violations">
          <h2 id="t-violations">Violation timeline</h2>
          {timeline === undefined ? <progress aria-label="loading" /> : timeline.length === 0 ? <Empty title="No violations in the last 30 days" /> : (
            <ol class="timeline">
              {[...timeline].sort((a, b) => b.violationEventTime - a.violationEventTime).map((v, i) => (
                <li key={i} class={`ve ve-${v.violationEventType}`}>
                  <time>{formatTime(v.violationEventTime)}</time> <strong>{v.violationEventType}</strong> {v.behavior?.name} <span class="muted">({v.securityProfileName})</span>
                </li>
              ))}
            </ol>
          )}
        </section>
      </div>
      <div class="toolbar">
        <h2 id="t-metrics">Metrics</h2>
        <label for="t-range">Last</label>
        <select id="t-range" value={String(seconds)} onChange={(e) => setSeconds(Number((e.target as HTMLSelectElement).value))}>
          <option value="3600">hour</option>
          <option value="86400">24 hours</option>
          <option value="604800">7 days</option>
          <option value="2592000">30 days</option>
        </select>
        <span class="muted">retained datapoints; violation windows shaded, values in violation in red</span>
      </div>
      <div class="grid" aria-labelledby="t-metrics" role="region">
        {THING_METRICS.map((m) => (
          <MetricChart key={m.metric} thing={name} metric={m.metric} title={m.title} unit={m.unit} windows={windows.get(m.metric) ?? NO_WINDOWS} seconds={seconds} refresh={refresh} />
        ))}
      </div>
    </section>
  );
}
