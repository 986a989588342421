import { useEffect, useState } from 'preact/hooks';
import type { PlaybookRunView, PlaybookView } from '../../../src/api/contract/index.js';
import { api, enc } from '../api';
import { Empty, ErrorBox, Table, formatTime } from '../components/common';
import { route, setQuery } from '../router';

const runPath = (id: string, suffix = ''): string => `/api/v1/playbook-runs/${enc(id)}${suffix}`;

function triggerText(p: PlaybookView): string {
  return Object.entries(p.trigger).map(([k, v]) => `${k}=${String(v)}`).join(' ');
}

/** One run: every step with its status, attempts, times and message; approve / deny while it waits, undo once it ended. */
function RunDetail({ run, act, busy }: { run: PlaybookRunView; act: (run: PlaybookRunView, verb: 'approve' | 'deny' | 'undo') => void; busy: boolean }) {
  const waiting = run.state === 'waiting_approval' || run.state === 'paused_rate_limit';
  const undoable = !waiting && run.state !== 'running' && run.state !== 'undone' && run.steps.some((s) => s.undoable);
  return (
    <section aria-labelledby={`run-${run.id}`} class="run-detail">
      <h2 id={`run-${run.id}`}>
        Run {run.id.slice(0, 8)} of {run.playbook}: <span class={`run-status run-${run.state}`}>{run.state.replace(/_/g, ' ')}</span>
        {run.dryRun ? <span class="tag">dry run</span> : null}
      </h2>
      <p>
        {run.trigger.summary} at {formatTime(run.trigger.time)}
        {run.thing === '' ? null : <> · thing <strong>{run.thing}</strong></>}
      </p>
      {run.approval === undefined ? null : (
        <p role="status" class="outcome warn">
          {run.approval.reason === 'rate_limit' ? 'Paused: the playbook reached its hourly limit of things.' : 'Waiting for approval.'} Without an answer by {formatTime(run.approval.deadline)} it is {run.approval.default === 'approve' ? 'approved' : 'denied'}.
        </p>
      )}
      <span class="actions">
        {waiting ? (
          <>
            <button type="button" class="primary" aria-disabled={busy} onClick={() => act(run, 'approve')} aria-label={`Approve run ${run.id}`}>
              Approve
            </button>
            <button type="button" aria-disabled={busy} onClick={() => act(run, 'deny')} aria-label={`Deny run ${run.id}`}>
              Deny
            </button>
          </>
        ) : null}
        {undoable ? (
          <button type="button" aria-disabled={busy} onClick={() => act(run, 'undo')} aria-label={`Undo run ${run.id}`}>
            Undo
          </button>
        ) : null}
      </span>
      <Table caption={`Steps of run ${run.id}`} columns={['#', 'Step', 'Status', 'Attempts', 'Started', 'Ended', 'Outcome']}>
        {run.steps.map((s) => (
          <tr key={s.index}>
            <td>{s.index}</td>
            <td>{s.type}</td>
            <td>
              <span class={`run-status run-${s.status}`}>{s.status.replace(/_/g, ' ')}</span>
            </td>
            <td>{s.attempts}</td>
            <td>{formatTime(s.startedAt)}</td>
            <td>{formatTime(s.endedAt)}</td>
            <td>{s.error === undefined ? (s.message ?? '') : `${s.error.code}: ${s.error.message}`}</td>
          </tr>
        ))}
      </Table>
      {run.notes.length === 0 ? null : (
        <ul class="notes" aria-label="Case notes">
          {run.notes.map((n) => (
            <li key={n.time}>
              {formatTime(n.time)}: {n.text}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** `/playbooks`: the playbooks (enable/disable), their runs newest first, and the selected run (`?run=ID`, the approval link). */
export function PlaybooksPage() {
  const [playbooks, setPlaybooks] = useState<PlaybookView[] | undefined>();
  const [runs, setRuns] = useState<PlaybookRunView[]>([]);
  const [next, setNext] = useState<string | undefined>();
  const [selected, setSelected] = useState<PlaybookRunView | undefined>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const [reload, setReload] = useState(0);
  const runId = route.value.query.get('run') ?? undefined;

  useEffect(() => {
    let live = true;
    Promise.all([api<{ playbooks: PlaybookView[] }>('GET', '/api/v1/playbooks'), api<{ runs: PlaybookRunView[]; nextToken?: string }>('GET', '/api/v1/playbook-runs?limit=50')]).then(
      ([p, r]) => {
        if (!live) return;
        setPlaybooks(p.playbooks);
        setRuns(r.runs);
        setNext(r.nextToken);
      },
      (e: unknown) => live && setError(e),
    );
    if (runId !== undefined) api<PlaybookRunView>('GET', runPath(runId)).then((r) => live && setSelected(r), (e: unknown) => live && setError(e));
    return () => {
      live = false;
    };
  }, [reload, runId]);

  const work = async (task: () => Promise<unknown>): Promise<void> => {
    if (busy) return;
    setBusy(true);
    setError(undefined);
    try {
      await task();
      setReload((n) => n + 1);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const act = (run: PlaybookRunView, verb: 'approve' | 'deny' | 'undo') => void work(async () => setSelected(await api<PlaybookRunView>('POST', runPath(run.id, `/${verb}`), verb === 'undo' ? undefined : { by: 'console' })));
  const toggle = (p: PlaybookView) => void work(() => api('POST', `/api/v1/playbooks/${enc(p.name)}/${p.enabled ? 'disable' : 'enable'}`));
  const select = (run: PlaybookRunView) => {
    setSelected(run);
    setQuery({ run: run.id });
  };
  const more = () => void work(async () => {
    const page = await api<{ runs: PlaybookRunView[]; nextToken?: string }>('GET', `/api/v1/playbook-runs?limit=50&nextToken=${enc(next ?? '')}`);
    setRuns((old) => [...old, ...page.runs]);
    setNext(page.nextToken);
  });

  return (
    <section aria-labelledby="playbooks-title" class="playbooks">
      <h1 id="playbooks-title">Playbooks</h1>
      <p class="muted">
        A playbook acts on an alert row, a violation or an audit finding. Runs that wait for a person are answered here or with <code>vigil respond approve RUN_ID</code>. Create playbooks with <code>vigil playbook create -f FILE</code> (docs/respond.md).
      </p>
      <ErrorBox error={error} />
      {playbooks === undefined ? null : playbooks.length === 0 ? (
        <Empty title="No playbooks">Bundled ones are in examples/playbooks; the demo installs them disabled.</Empty>
      ) : (
        <Table caption="Playbooks" columns={['Name', 'State', 'Trigger', 'Steps', 'Things/hour', '']}>
          {playbooks.map((p) => (
            <tr key={p.name}>
              <td>{p.name}</td>
              <td>
                <span class={p.enabled ? 'on' : 'off'}>{p.enabled ? 'enabled' : 'disabled'}</span>
                {p.dry_run ? <span class="tag">dry run</span> : null}
              </td>
              <td>{triggerText(p)}</td>
              <td>{p.steps.map((s) => s.type).join(' → ')}</td>
              <td>{p.limits.max_things_per_hour}</td>
              <td>
                <button type="button" aria-disabled={busy} onClick={() => toggle(p)} aria-label={`${p.enabled ? 'Disable' : 'Enable'}: ${p.name}`}>
                  {p.enabled ? 'Disable' : 'Enable'}
                </button>
              </td>
            </tr>
          ))}
        </Table>
      )}
      {selected === undefined ? null : <RunDetail run={selected} act={act} busy={busy} />}
      <h2>Runs</h2>
      {runs.length === 0 ? (
        <Empty title="No runs yet" />
      ) : (
        <Table caption="Playbook runs, newest first" columns={['Created', 'Playbook', 'Thing', 'State', 'Steps', '']}>
          {runs.map((r) => (
            <tr key={r.id}>
              <td>{formatTime(r.createdAt)}</td>
              <td>{r.playbook}</td>
              <td>{r.thing}</td>
              <td>
                <span class={`run-status run-${r.state}`}>{r.state.replace(/_/g, ' ')}</span>
              </td>
              <td>{r.steps.map((s) => `${s.type}: ${s.status}`).join(', ')}</td>
              <td>
                <button type="button" onClick={() => select(r)} aria-label={`Show run ${r.id}`}>
                  Show
                </button>
              </td>
            </tr>
          ))}
        </Table>
      )}
      {next === undefined ? null : (
        <button type="button" aria-disabled={busy} onClick={more}>
          More runs
        </button>
      )}
    </section>
  );
}
