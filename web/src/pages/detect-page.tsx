import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, enc } from '../api';
import type { ActiveViolation } from '../aws';
import { awsAll, listPage } from '../lists';
import { href, route } from '../router';
import { liveTick } from '../live';
import { Empty, ErrorBox, ObjectTable, Pager, formatTime, listKeys, usePaged } from '../components/common';

const STATES = ['UNKNOWN', 'TRUE_POSITIVE', 'BENIGN_POSITIVE', 'FALSE_POSITIVE'];

function Unavailable({ error }: { error: unknown; what: string }) {
  return <ErrorBox error={error} />;
}

export function DetectPage() {
  return (
    <section aria-labelledby="detect-title">
      <h1 id="detect-title">Detect</h1>
      <ProfilesSection />
      <ViolationsSection />
      <TimelineSection />
    </section>
  );
}

function ProfilesSection() {
  const [profiles, setProfiles] = useState<Array<{ name: string }> | undefined>();
  const [error, setError] = useState<unknown>();
  const [editing, setEditing] = useState<{ name: string; text: string; version?: number } | undefined>();
  const [problems, setProblems] = useState<string[]>([]);
  const [saved, setSaved] = useState('');
  useEffect(() => {
    awsAll<{ name: string }>('/security-profiles?maxResults=250', 'securityProfileIdentifiers').then(setProfiles, setError);
  }, []);
  const open = async (name: string): Promise<void> => {
    setProblems([]);
    setSaved('');
    const p = await api<Record<string, unknown>>('GET', `/security-profiles/${enc(name)}`);
    const editable = Object.fromEntries(['securityProfileDescription', 'behaviors', 'alertTargets', 'additionalMetricsToRetainV2', 'metricsExportConfig'].filter((k) => p[k] !== undefined).map((k) => [k, p[k]]));
    setEditing({ name, text: JSON.stringify(editable, null, 2), version: p['version'] as number | undefined });
  };
  const save = async (): Promise<void> => {
    if (editing === undefined) return;
    setProblems([]);
    setSaved('');
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(editing.text) as Record<string, unknown>;
    } catch (e) {
      setProblems([`not valid JSON: ${(e as Error).message}`]);
      return;
    }
    try {
      if (Array.isArray(body['behaviors'])) {
        const v = await api<{ valid: boolean; validationErrors?: Array<{ errorMessage: string }> }>('POST', '/security-profile-behaviors/validate', { behaviors: body['behaviors'] });
        if (!v.valid) {
          setProblems((v.validationErrors ?? []).map((e) => e.errorMessage));
          return;
        }
      }
      const updated = await api<{ version?: number }>('PATCH', `/security-profiles/${enc(editing.name)}${editing.version === undefined ? '' : `?expectedVersion=${editing.version}`}`, body);
      setEditing({ ...editing, version: updated.version });
      setSaved(`saved (version ${updated.version ?? '?'})`);
    } catch (e) {
      setProblems([e instanceof ApiError ? `${e.code}: ${e.message}` : String(e)]);
    }
  };
  return (
    <section class="panel" aria-labelledby="profiles-title">
      <h2 id="profiles-title">Security profiles</h2>
      {error !== undefined ? <Unavailable error={error} what="Security profiles" /> : null}
      {profiles !== undefined && profiles.length === 0 ? <Empty title="No security profiles" /> : null}
      <div class="split">
        <ul class="list" aria-label="Security profiles">
          {(profiles ?? []).map((p) => (
            <li key={p.name}>
              <button type="button" class="link" aria-pressed={editing?.name === p.name} onClick={() => void open(p.name).catch(setError)}>
                {p.name}
              </button>
            </li>
          ))}
        </ul>
        {editing === undefined ? null : (
          <form
            class="editor"
            onSubmit={(e) => {
              e.preventDefault();
              void save();
            }}
          >
            <label for="profile-json">{editing.name} (JSON; validated by the server on save)</label>
            <textarea id="profile-json" rows={18} spellcheck={false} value={editing.text} aria-invalid={problems.length > 0} aria-describedby="profile-problems" onInput={(e) => setEditing({ ...editing, text: (e.target as HTMLTextAreaElement).value })} />
            <div id="profile-problems" role="alert">
              {problems.map((p) => (
                <p key={p} class="error">
                  {p}
                </p>
              ))}
            </div>
            {saved === '' ? null : <p role="status" class="ok">{saved}</p>}
            <button type="submit" class="primary">
              Validate and save
            </button>
          </form>
        )}
      </div>
    </section>
  );
}

function ViolationsSection() {
  const [thing, setThing] = useState(route.value.query.get('thing') ?? '');
  const [text, setText] = useState('');
  const refresh = liveTick.value;
  const paged = usePaged((offset, limit) => listPage('activeViolations', { offset, limit, q: text, ...(thing === '' ? {} : { thingName: thing }) }), [thing, text], refresh);
  const [error, setError] = useState<unknown>();
  const setState = async (v: ActiveViolation, state: string): Promise<void> => {
    await api('POST', `/violations/verification-state/${enc(v.violationId)}`, { verificationState: state, verificationStateDescription: 'set from the Vigil console' }).then(paged.reload, setError);
  };
  const list = paged.page?.items;
  return (
    <section class="panel" aria-labelledby="av-title">
      <h2 id="av-title">Active violations</h2>
      <div class="toolbar">
        <label for="av-thing">Thing</label>
        <input id="av-thing" type="search" value={thing} placeholder="exact thing name" onChange={(e) => setThing((e.target as HTMLInputElement).value.trim())} />
        <label for="av-text">Filter</label>
        <input id="av-text" type="search" value={text} placeholder="thing, profile or behavior" onInput={(e) => setText((e.target as HTMLInputElement).value)} />
      </div>
      <Pager paged={paged} label="active violations" />
      {paged.error !== undefined ? <Unavailable error={paged.error} what="Active violations" /> : null}
      <ErrorBox error={error} />
      {list !== undefined && list.length === 0 ? <Empty title="No active violations" /> : null}
      {list !== undefined && list.length > 0 ? (
        <ObjectTable
          items={list}
          caption="Active violations"
          onKeyDown={listKeys(paged.keys)}
          columns={[
            { label: 'Thing', render: (v) => <a {...href(`/fleet/things/${enc(v.thingName)}`)} class="name" title={v.thingName}>{v.thingName}</a> },
            { label: 'Profile', render: (v) => v.securityProfileName },
            { label: 'Behavior', render: (v) => v.behavior?.name ?? '' },
            { label: 'Value', render: (v) => <code class="clip" title={JSON.stringify(v.lastViolationValue ?? '')}>{JSON.stringify(v.lastViolationValue ?? '')}</code> },
            { label: 'Since', render: (v) => formatTime(v.violationStartTime) },
            {
              label: 'Verification',
              render: (v) => (
                <select aria-label={`verification state of ${v.thingName} ${v.behavior?.name ?? ''}`} value={v.verificationState ?? 'UNKNOWN'} onChange={(e) => void setState(v, (e.target as HTMLSelectElement).value)}>
                  {STATES.map((s) => (
                    <option key={s} value={s}>
                      {s}
                    </option>
                  ))}
                </select>
              ),
            },
          ]}
        />
      ) : null}
    </section>
  );
}

function TimelineSection() {
  const [days, setDays] = useState(7);
  const refresh = liveTick.value;
  const paged = usePaged((offset, limit) => listPage('violationEvents', { offset, limit, days }), [days], refresh);
  const events = paged.page?.items;
  return (
    <section class="panel" aria-labelledby="ve-title">
      <h2 id="ve-title">Violation events</h2>
      <div class="toolbar">
        <label for="ve-days">Last</label>
        <select id="ve-days" value={String(days)} onChange={(e) => setDays(Number((e.target as HTMLSelectElement).value))}>
          {[1, 7, 30, 90].map((d) => (
            <option key={d} value={String(d)}>
              {d === 1 ? '24 hours' : `${d} days`}
            </option>
          ))}
        </select>
      </div>
      <Pager paged={paged} label="violation events" />
      {paged.error !== undefined ? <Unavailable error={paged.error} what="Violation events" /> : null}
      {events !== undefined && events.length === 0 ? <Empty title="No violation events" /> : null}
      <ol class="timeline">
        {(events ?? []).map((v, i) => (
          <li key={i} class={`ve ve-${v.violationEventType}`}>
            <time>{formatTime(v.violationEventTime)}</time> <strong>{v.violationEventType}</strong> <a {...href(`/fleet/things/${enc(v.thingName)}`)}>{v.thingName}</a> {v.behavior?.name} <span class="muted">({v.securityProfileName})</span>
          </li>
        ))}
      </ol>
    </section>
  );
}
