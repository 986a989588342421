import { useEffect, useState } from 'preact/hooks';
import { api, enc } from '../api';
import { listThingGroups, listThings, thingsInGroup, type ThingItem } from '../aws';
import { href } from '../router';
import { Empty, ErrorBox, JsonView, ObjectTable, formatTime } from '../components/common';

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

export function ThingsPage() {
  const [things, setThings] = useState<ThingItem[] | undefined>();
  const [groups, setGroups] = useState<string[]>([]);
  const [group, setGroup] = useState('');
  const [members, setMembers] = useState<Set<string> | undefined>();
  const [filter, setFilter] = useState('');
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    listThings().then(setThings, setError);
    listThingGroups().then(setGroups, () => setGroups([]));
  }, []);
  useEffect(() => {
    if (group === '') setMembers(undefined);
    else thingsInGroup(group).then((m) => setMembers(new Set(m)), setError);
  }, [group]);
  const shown = (things ?? []).filter((t) => (filter === '' || t.thingName.toLowerCase().includes(filter.toLowerCase()) || Object.values(t.attributes ?? {}).some((v) => v.toLowerCase().includes(filter.toLowerCase()))) && (members === undefined || members.has(t.thingName)));
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
        <span class="muted" role="status">
          {shown.length} of {things?.length ?? 0} things
        </span>
      </div>
      <ErrorBox error={error} />
      {things === undefined && error === undefined ? <progress aria-label="loading things" /> : null}
      {things !== undefined && things.length === 0 ? <Empty title="No things registered">Register devices with `vigil cert issue --thing NAME` or the AWS IoT API.</Empty> : null}
      {shown.length > 0 ? (
        <ObjectTable
          items={shown}
          caption="Things"
          columns={[
            { label: 'Thing', render: (t) => <a {...href(`/fleet/things/${enc(t.thingName)}`)}>{t.thingName}</a> },
            { label: 'Type', render: (t) => t.thingTypeName ?? '' },
            { label: 'Attributes', render: (t) => Object.entries(t.attributes ?? {}).map(([k, v]) => `${k}=${v}`).join(', ') },
            { label: 'Version', render: (t) => t.version ?? '' },
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
      const page = await api<{ certificates: CertificateItem[] }>('GET', '/certificates?pageSize=250');
      const described = await Promise.all(
        page.certificates.slice(0, 100).map(async (c) => {
          try {
            const d = await api<{ certificateDescription: { validity?: { notAfter?: number } } }>('GET', `/certificates/${enc(c.certificateId)}`);
            return { ...c, notAfter: d.certificateDescription.validity?.notAfter };
          } catch {
            return c;
          }
        }),
      );
      setCerts([...described, ...page.certificates.slice(100)]);
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
    api<{ policies: Array<{ policyName: string }> }>('GET', '/policies?pageSize=250').then((r) => setPolicies(r.policies), setError);
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
