import { useEffect, useState } from 'preact/hooks';
import { api, enc } from '../api';
import { awsAll, listAll, listPage, type FleetThing } from '../lists';
import { liveTick } from '../live';
import { href, route, setQuery } from '../router';
import { INDEX, SOURCETYPE, cell, runSearch } from '../search';
import { Empty, ErrorBox, JsonView, ObjectTable, Pager, formatTime, listKeys, usePaged } from '../components/common';

export function FleetNav({ at }: { at: string }) {
  const tabs = [
    ['/fleet', 'Things'],
    ['/fleet/certificates', 'Certificates'],
    ['/fleet/policies', 'Policies'],
  ] as const;
  return (
    <nav class="subnav" aria-label="Fleet">
      {tabs.map(([to, label]) => (
        <a key={to} {...href(to)} aria-current={at === to ? 'page' : undefined}>
          {label}
        </a>
      ))}
    </nav>
  );
}

const CONNECTION_LABEL = { CONNECTED: 'connected', DISCONNECTED: 'disconnected', NEVER: 'never connected' } as const;

/** When each of `things` last reported (the newest metrics event in the SIEM), by thing name. */
async function lastReports(things: readonly string[]): Promise<Map<string, string>> {
  if (things.length === 0) return new Map();
  const names = things.map((t) => `"${t.replace(/["\\]/g, '')}"`).join(', ');
  const result = await runSearch(`index="${INDEX}" sourcetype="${SOURCETYPE}" thing IN (${names}) | stats max(_time) as last_report by thing`, { earliest: '' }, { maxRows: things.length });
  return new Map(result.rows.map((r) => [cell(r['thing']), cell(r['last_report'])]));
}

/** A thing's broker connection: state, and since when. */
export function ConnectionState({ connection }: { connection: FleetThing['connection'] }) {
  const since = connection.state === 'CONNECTED' ? connection.connectedAt : connection.disconnectedAt;
  return (
    <span class={`conn conn-${connection.state.toLowerCase()}`} title={connection.disconnectReason === undefined ? undefined : `disconnected: ${connection.disconnectReason}`}>
      {CONNECTION_LABEL[connection.state]}
      {since === undefined ? null : <span class="muted"> since {formatTime(since)}</span>}
    </span>
  );
}

export function ThingsPage() {
  const initial = route.value.query;
  const [groups, setGroups] = useState<string[]>([]);
  const [group, setGroup] = useState(initial.get('group') ?? '');
  const [filter, setFilter] = useState(initial.get('q') ?? '');
  const [connection, setConnection] = useState(initial.get('connection') ?? '');
  const [violating, setViolating] = useState(initial.get('inViolation') ?? '');
  const [reports, setReports] = useState<Map<string, string>>(new Map());
  const refresh = liveTick.value;
  useEffect(() => {
    listAll('thingGroups', {}).then((g) => setGroups(g.map((x) => x.groupName)), () => setGroups([]));
  }, []);
  useEffect(() => setQuery({ q: filter, group, connection, inViolation: violating }), [filter, group, connection, violating]);
  const paged = usePaged(
    (offset, limit) =>
      listPage('things', {
        offset,
        limit,
        q: filter,
        ...(group === '' ? {} : { group }),
        ...(connection === '' ? {} : { connection: connection as FleetThing['connection']['state'] }),
        ...(violating === '' ? {} : { inViolation: violating === 'true' }),
        sort: violating === 'true' ? 'violations' : 'name',
      }),
    [filter, group, connection, violating],
    refresh,
  );
  const items = paged.page?.items ?? [];
  useEffect(() => {
    lastReports(items.map((t) => t.thingName)).then(setReports, () => setReports(new Map()));
  }, [items.map((t) => t.thingName).join(',')]);
  return (
    <section aria-labelledby="fleet-title">
      <h1 id="fleet-title">Fleet</h1>
      <FleetNav at="/fleet" />
      <div class="toolbar">
        <label for="thing-filter">Search things</label>
        <input id="thing-filter" type="search" value={filter} placeholder="name or attribute" onInput={(e) => setFilter((e.target as HTMLInputElement).value)} />
        <label for="group-filter">Group</label>
        <select id="group-filter" value={group} onChange={(e) => setGroup((e.target as HTMLSelectElement).value)}>
          <option value="">All groups</option>
          {groups.map((g) => (
            <option key={g} value={g}>
              {g}
            </option>
          ))}
        </select>
        <label for="conn-filter">Connection</label>
        <select id="conn-filter" value={connection} onChange={(e) => setConnection((e.target as HTMLSelectElement).value)}>
          <option value="">Any</option>
          <option value="CONNECTED">Connected</option>
          <option value="DISCONNECTED">Disconnected</option>
          <option value="NEVER">Never connected</option>
        </select>
        <label for="viol-filter">Violations</label>
        <select id="viol-filter" value={violating} onChange={(e) => setViolating((e.target as HTMLSelectElement).value)}>
          <option value="">Any</option>
          <option value="true">In violation</option>
          <option value="false">No open violation</option>
        </select>
      </div>
      <Pager paged={paged} label="things" />
      <ErrorBox error={paged.error} />
      {paged.page === undefined && paged.error === undefined ? <progress aria-label="loading things" /> : null}
      {paged.page !== undefined && paged.page.total === 0 ? (filter === '' && group === '' && connection === '' && violating === '' ? <Empty title="No things registered">Register devices with `vigil cert issue --thing NAME` or the AWS IoT API.</Empty> : <Empty title="No things match the filters" />) : null}
      {items.length > 0 ? (
        <ObjectTable
          items={items}
          caption="Things"
          onKeyDown={listKeys(paged.keys)}
          rowClass={(t) => (t.openViolations > 0 ? 'in-violation' : undefined)}
          columns={[
            { label: 'Thing', render: (t) => <a {...href(`/fleet/things/${enc(t.thingName)}`)} class="name" title={t.thingName}>{t.thingName}</a> },
            { label: 'Connection', render: (t) => <ConnectionState connection={t.connection} /> },
            { label: 'Last seen', render: (t) => formatTime(t.connection.lastSeen) },
            { label: 'Last report', render: (t) => formatTime(reports.get(t.thingName)) },
            { label: 'Open violations', render: (t) => (t.openViolations === 0 ? <span class="muted">0</span> : <a {...href(`/detect?thing=${enc(t.thingName)}`)} class="warn">{t.openViolations}</a>) },
            { label: 'Type', render: (t) => t.thingTypeName ?? '' },
            { label: 'Attributes', render: (t) => <span class="clip" title={Object.entries(t.attributes ?? {}).map(([k, v]) => `${k}=${v}`).join(', ')}>{Object.entries(t.attributes ?? {}).map(([k, v]) => `${k}=${v}`).join(', ')}</span> },
          ]}
        />
      ) : null}
    </section>
  );
}

interface CertificateItem { certificateId: string; certificateArn: string; status: string; creationDate?: number }

export function CertificatesPage() {
  const [certs, setCerts] = useState<Array<CertificateItem & { notAfter?: number }> | undefined>();
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    (async () => {
      const certificates = await awsAll<CertificateItem>('/certificates?pageSize=250', 'certificates', 'marker');
      // Expiry needs DescribeCertificate: the first 100 are described, the rest listed without it.
      const described = await Promise.all(
        certificates.slice(0, 100).map(async (c) => {
          try {
            const d = await api<{ certificateDescription: { validity?: { notAfter?: number } } }>('GET', `/certificates/${enc(c.certificateId)}`);
            return { ...c, notAfter: d.certificateDescription.validity?.notAfter };
          } catch {
            return c;
          }
        }),
      );
      setCerts([...described, ...certificates.slice(100)]);
    })().catch(setError);
  }, []);
  const soon = Date.now() / 1000 + 30 * 86400;
  return (
    <section aria-labelledby="certs-title">
      <h1 id="certs-title">Certificates</h1>
      <FleetNav at="/fleet/certificates" />
      <ErrorBox error={error} />
      {certs === undefined ? (error === undefined ? <progress aria-label="loading certificates" /> : null) : certs.length === 0 ? <Empty title="No certificates" /> : (
        <ObjectTable
          items={certs}
          caption="Certificates"
          columns={[
            { label: 'Certificate', render: (c) => <code title={c.certificateId}>{c.certificateId.slice(0, 16)}…</code> },
            { label: 'Status', render: (c) => <span class={`status status-${c.status.toLowerCase()}`}>{c.status}</span> },
            { label: 'Created', render: (c) => formatTime(c.creationDate) },
            { label: 'Expires', render: (c) => (c.notAfter === undefined ? '' : <span class={c.notAfter < soon ? 'warn' : ''}>{formatTime(c.notAfter)}</span>) },
          ]}
        />
      )}
    </section>
  );
}

export function PoliciesPage() {
  const [policies, setPolicies] = useState<Array<{ policyName: string }> | undefined>();
  const [selected, setSelected] = useState<{ policyName: string; policyDocument: string; defaultVersionId?: string } | undefined>();
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    awsAll<{ policyName: string }>('/policies?pageSize=250', 'policies', 'marker').then(setPolicies, setError);
  }, []);
  const parse = (text: string): unknown => {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  };
  return (
    <section aria-labelledby="pol-title">
      <h1 id="pol-title">Policies</h1>
      <FleetNav at="/fleet/policies" />
      <ErrorBox error={error} />
      <div class="split">
        <ul class="list" aria-label="Policies">
          {(policies ?? []).map((p) => (
            <li key={p.policyName}>
              <button type="button" class="link" aria-pressed={selected?.policyName === p.policyName} onClick={() => api<{ policyName: string; policyDocument: string; defaultVersionId?: string }>('GET', `/policies/${enc(p.policyName)}`).then(setSelected, setError)}>
                {p.policyName}
              </button>
            </li>
          ))}
        </ul>
        <div>
          {selected === undefined ? <Empty title="Choose a policy">Its document is shown here.</Empty> : (
            <>
              <h2>
                {selected.policyName} <span class="muted">version {selected.defaultVersionId}</span>
              </h2>
              <div class="json-box">
                <JsonView value={parse(selected.policyDocument)} />
              </div>
            </>
          )}
        </div>
      </div>
    </section>
  );
}
