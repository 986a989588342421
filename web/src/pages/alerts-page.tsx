import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api, enc } from '../api';
import { href } from '../router';
import { DataTable, Empty, ErrorBox, Table, formatTime } from '../components/common';
import type { Row } from '../search';

/** `/api/v1/saved-searches` shapes (src/api/routes/saved-searches.ts). */
interface SavedSearch {
  name: string;
  description: string;
  search: string;
  earliest: string;
  latest: string;
  cron: string;
  enabled: boolean;
  bundled?: boolean;
  alert?: { triggerText: string; actions: Array<{ type: 'webhook'; url: string } | { type: 'topic'; topic: string }>; throttle?: { periodSecs: number; fields?: string[] } };
  nextRunAt?: string;
}
interface AlertRun {
  id: string;
  time: string;
  cause: 'schedule' | 'dispatch';
  status: 'fired' | 'not_fired' | 'throttled' | 'failed';
  resultCount: number;
  firedCount: number;
  suppressedCount: number;
  rows: Row[];
  actions: Array<{ type: string; target: string; ok: boolean; attempts: number; error?: string }>;
  error?: { code: string; message: string };
  durationMs: number;
}

const path = (name: string, suffix = ''): string => `/api/v1/saved-searches/${enc(name)}${suffix}`;
const history = (name: string, limit: number) => api<{ runs: AlertRun[] }>('GET', path(name, `/history?limit=${limit}`)).then((r) => r.runs);

function duration(secs: number): string {
  if (secs % 86_400 === 0 && secs > 86_400) return `${secs / 86_400} d`;
  if (secs % 3600 === 0) return `${secs / 3600} h`;
  if (secs % 60 === 0) return `${secs / 60} min`;
  return `${secs} s`;
}

function throttleText(s: SavedSearch): string {
  const t = s.alert?.throttle;
  if (t === undefined) return 'none';
  return `${duration(t.periodSecs)}${t.fields === undefined || t.fields.length === 0 ? '' : ` per ${t.fields.join(', ')}`}`;
}

/** The search page with this search's SPL and time range (like the dashboards' "Open in search"). */
function searchLink(s: SavedSearch): string {
  const params: Record<string, string> = { q: s.search, earliest: s.earliest };
  if (s.latest !== 'now' && s.latest !== '') params['latest'] = s.latest;
  return `/search?${new URLSearchParams(params).toString()}`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** One line for a run, as `vigil alert run` says it. */
function runSummary(run: AlertRun): string {
  if (run.status === 'failed') return `failed: ${run.error?.code ?? ''} ${run.error?.message ?? ''}`.trim();
  const status = run.status === 'not_fired' ? 'not fired' : run.status;
  return `${status}: ${plural(run.resultCount, 'result')}, ${run.firedCount} fired, ${run.suppressedCount} suppressed, ${plural(run.actions.length, 'action')}${run.actions.some((a) => !a.ok) ? ' (some failed)' : ''}`;
}

function RunStatus({ run }: { run: AlertRun | undefined }) {
  if (run === undefined) return <span class="muted">never run</span>;
  return <span class={`run-status run-${run.status}`}>{run.status.replace('_', ' ')}</span>;
}

function Unavailable({ error }: { error: unknown }) {
  return <ErrorBox error={error} />;
}

type Outcome = { name: string; text: string; kind: 'ok' | 'warn' | 'error' };

/** Enable/disable and run-now of one saved search, with the outcome the page announces. */
function useAlertActions(changed: () => void) {
  const [busy, setBusy] = useState('');
  const [outcome, setOutcome] = useState<Outcome | undefined>();
  const [error, setError] = useState<unknown>();
  const act = async (name: string, work: () => Promise<Outcome>): Promise<void> => {
    // aria-disabled rather than disabled while busy: the clicked button keeps the keyboard focus.
    if (busy !== '') return;
    setBusy(name);
    setError(undefined);
    setOutcome(undefined);
    try {
      setOutcome(await work());
      changed();
    } catch (e) {
      setError(e);
    } finally {
      setBusy('');
    }
  };
  const toggle = (s: SavedSearch) =>
    act(s.name, async () => {
      const updated = await api<SavedSearch>('PUT', path(s.name), { enabled: !s.enabled });
      return { name: s.name, kind: 'ok', text: updated.enabled ? `schedule enabled (${updated.cron} UTC)` : 'schedule disabled' };
    });
  const run = (s: SavedSearch) =>
    act(s.name, async () => {
      const r = await api<AlertRun>('POST', path(s.name, '/dispatch'));
      return { name: s.name, kind: r.status === 'failed' ? 'error' : r.status === 'fired' ? 'warn' : 'ok', text: `ran now, ${runSummary(r)}` };
    });
  return { busy, outcome, error, toggle, run };
}

type AlertActions = ReturnType<typeof useAlertActions>;

/** What the last action did (and a failed action's error). */
function ActionOutcome({ actions, link }: { actions: AlertActions; link: boolean }) {
  const outcome = actions.outcome;
  return (
    <>
      <p role="status" class={`outcome ${outcome?.kind ?? ''}`}>
        {outcome === undefined ? null : (
          <>
            <strong>{outcome.name}</strong>: {outcome.text}
            {link ? (
              <>
                {' '}
                <a {...href(`/alerts/${enc(outcome.name)}`)}>View history</a>
              </>
            ) : null}
          </>
        )}
      </p>
      <ErrorBox error={actions.error} />
    </>
  );
}

function Actions({ s, actions }: { s: SavedSearch; actions: AlertActions }) {
  const label = s.enabled ? 'Disable' : 'Enable';
  const busy = actions.busy;
  return (
    <span class="actions">
      <button type="button" onClick={() => void actions.toggle(s)} aria-disabled={busy !== ''} aria-label={`${label}: ${s.name}`}>
        {label}
      </button>
      <button type="button" onClick={() => void actions.run(s)} aria-disabled={busy !== ''} aria-label={`Run now: ${s.name}`}>
        {busy === s.name ? 'Running…' : 'Run now'}
      </button>
      <a {...href(searchLink(s))} class="small" aria-label={`Open in search: ${s.name}`}>
        Open in search
      </a>
    </span>
  );
}

function Enabled({ s }: { s: SavedSearch }) {
  return (
    <>
      <span class={s.enabled ? 'on' : 'off'}>{s.enabled ? 'enabled' : 'disabled'}</span>
      {s.bundled === true ? (
        <span class="tag bundled" title="A bundled detection: installed disabled; add an action, then enable it">
          bundled
        </span>
      ) : null}
    </>
  );
}

/** `/alerts`: every saved search with its schedule, alert and last run. */
export function AlertsPage() {
  const [searches, setSearches] = useState<SavedSearch[] | undefined>();
  const [lastRuns, setLastRuns] = useState<Record<string, AlertRun | undefined>>({});
  const [error, setError] = useState<unknown>();
  const [reload, setReload] = useState(0);
  const actions = useAlertActions(() => setReload((n) => n + 1));
  useEffect(() => {
    let live = true;
    api<{ savedSearches: SavedSearch[] }>('GET', '/api/v1/saved-searches').then(
      async (r) => {
        if (!live) return;
        setSearches(r.savedSearches);
        const runs = await Promise.all(r.savedSearches.map((s) => history(s.name, 1).then((list) => [s.name, list[0]] as const, () => [s.name, undefined] as const)));
        if (live) setLastRuns(Object.fromEntries(runs));
      },
      (e: unknown) => live && setError(e),
    );
    return () => {
      live = false;
    };
  }, [reload]);
  const bundledOff = (searches ?? []).filter((s) => s.bundled === true && !s.enabled).length;
  return (
    <section aria-labelledby="alerts-title" class="alerts">
      <h1 id="alerts-title">Alerts</h1>
      <p class="muted">
        Saved searches run on their cron schedule (UTC); an alert decides after each run whether to act. Bundled detections are installed disabled: add a webhook or topic action (<code>vigil alert update NAME --webhook URL</code>), then enable them. "Run now" runs a search whether or not it is enabled.
      </p>
      <div class="toolbar">
        <button type="button" onClick={() => setReload((n) => n + 1)}>
          Refresh
        </button>
        {bundledOff === 0 ? null : <span class="muted">{plural(bundledOff, 'bundled detection')} disabled</span>}
      </div>
      <ActionOutcome actions={actions} link />
      {error !== undefined ? <Unavailable error={error} /> : null}
      {searches === undefined && error === undefined ? <progress aria-label="loading saved searches" /> : null}
      {searches !== undefined && searches.length === 0 ? <Empty title="No saved searches">Create one with `vigil alert create NAME --search SPL` or POST /api/v1/saved-searches.</Empty> : null}
      {searches !== undefined && searches.length > 0 ? (
        <Table caption="Saved searches" columns={['Name', 'Description', 'Schedule (UTC)', 'State', 'Trigger', 'Throttle', 'Next run', 'Last run', 'Actions']}>
          {searches.map((s) => {
            const last = lastRuns[s.name];
            return (
              <tr key={s.name} class={s.enabled ? '' : 'disabled'}>
                <th scope="row">
                  <a {...href(`/alerts/${enc(s.name)}`)}>{s.name}</a>
                </th>
                <td class="desc">{s.description}</td>
                <td>
                  <code>{s.cron}</code>
                </td>
                <td>
                  <Enabled s={s} />
                </td>
                <td>{s.alert?.triggerText ?? <span class="muted">no alert</span>}</td>
                <td>{throttleText(s)}</td>
                <td>{s.nextRunAt === undefined ? <span class="muted">not scheduled</span> : formatTime(s.nextRunAt)}</td>
                <td>
                  <RunStatus run={last} />
                  {last === undefined ? null : <div class="muted">{formatTime(last.time)}</div>}
                </td>
                <td>
                  <Actions s={s} actions={actions} />
                </td>
              </tr>
            );
          })}
        </Table>
      ) : null}
    </section>
  );
}

function Detail({ label, children }: { label: string; children: ComponentChildren }) {
  return (
    <>
      <dt>{label}</dt>
      <dd>{children}</dd>
    </>
  );
}

function ActionOutcomes({ run }: { run: AlertRun }) {
  if (run.actions.length === 0) return <span class="muted">none</span>;
  return (
    <ul class="list">
      {run.actions.map((a, i) => (
        <li key={i} class={a.ok ? 'ok' : 'error-text'}>
          {a.type} {a.target}: {a.ok ? 'delivered' : 'failed'} ({plural(a.attempts, 'attempt')}){a.error === undefined ? '' : ` — ${a.error}`}
        </li>
      ))}
    </ul>
  );
}

function Sample({ run }: { run: AlertRun }) {
  if (run.status === 'failed') return <span class="error-text">{`${run.error?.code ?? ''}: ${run.error?.message ?? ''}`}</span>;
  if (run.rows.length === 0) return <span class="muted">no rows</span>;
  const columns = [...new Set(run.rows.flatMap((r) => Object.keys(r)))];
  return (
    <div class="sample">
      <DataTable columns={columns} rows={run.rows} caption={`Rows of the run at ${formatTime(run.time)}`} />
      {run.resultCount > run.rows.length ? <p class="muted">first {run.rows.length} of {run.resultCount} rows</p> : null}
    </div>
  );
}

/** `/alerts/<name>`: a saved search's definition and its alert history (newest first). */
export function AlertHistoryPage({ name }: { name: string }) {
  const [search, setSearch] = useState<SavedSearch | undefined>();
  const [runs, setRuns] = useState<AlertRun[] | undefined>();
  const [error, setError] = useState<unknown>();
  const [reload, setReload] = useState(0);
  const actions = useAlertActions(() => setReload((n) => n + 1));
  useEffect(() => {
    let live = true;
    api<SavedSearch>('GET', path(name)).then((s) => live && setSearch(s), (e: unknown) => live && setError(e));
    history(name, 50).then((r) => live && setRuns(r), (e: unknown) => live && setError(e));
    return () => {
      live = false;
    };
  }, [name, reload]);
  const actionText = (s: SavedSearch): string => (s.alert === undefined || s.alert.actions.length === 0 ? 'none' : s.alert.actions.map((a) => (a.type === 'webhook' ? `webhook ${a.url}` : `topic ${a.topic}`)).join(', '));
  return (
    <section aria-labelledby="alert-title" class="alerts">
      <p>
        <a {...href('/alerts')}>← Alerts</a>
      </p>
      <h1 id="alert-title">{name}</h1>
      {error !== undefined ? <Unavailable error={error} /> : null}
      {search === undefined ? null : (
        <>
          {search.description === '' ? null : <p>{search.description}</p>}
          <dl class="details">
            <Detail label="Search">
              <code class="spl">{search.search}</code>
            </Detail>
            <Detail label="Time range">
              {search.earliest} to {search.latest}
            </Detail>
            <Detail label="Schedule">
              <code>{search.cron}</code> UTC{search.nextRunAt === undefined ? '' : `, next run ${formatTime(search.nextRunAt)}`}
            </Detail>
            <Detail label="State">
              <Enabled s={search} />
            </Detail>
            <Detail label="Trigger">{search.alert?.triggerText ?? 'no alert (runs are only recorded)'}</Detail>
            <Detail label="Throttle">{throttleText(search)}</Detail>
            <Detail label="Actions">{actionText(search)}</Detail>
          </dl>
          <div class="toolbar">
            <Actions s={search} actions={actions} />
            <button type="button" onClick={() => setReload((n) => n + 1)}>
              Refresh
            </button>
          </div>
        </>
      )}
      <ActionOutcome actions={actions} link={false} />
      <h2>Runs</h2>
      {runs === undefined && error === undefined ? <progress aria-label="loading alert history" /> : null}
      {runs !== undefined && runs.length === 0 ? <Empty title="No runs yet">Runs appear here after the schedule or "Run now" runs the search.</Empty> : null}
      {runs !== undefined && runs.length > 0 ? (
        <Table caption="Alert runs" columns={['Time', 'Cause', 'Status', 'Results', 'Fired', 'Suppressed', 'Action outcomes', 'Rows (sample)']} wrapClass="runs">
          {runs.map((run) => (
            <tr key={run.id} data-run={run.id}>
              <td>
                {formatTime(run.time)}
                <div class="muted">{run.durationMs} ms</div>
              </td>
              <td>{run.cause}</td>
              <td>
                <RunStatus run={run} />
              </td>
              <td>{run.resultCount}</td>
              <td>{run.firedCount}</td>
              <td>{run.suppressedCount}</td>
              <td>
                <ActionOutcomes run={run} />
              </td>
              <td>
                <Sample run={run} />
              </td>
            </tr>
          ))}
        </Table>
      ) : null}
    </section>
  );
}
