import { useEffect, useState } from 'preact/hooks';
import { api, enc } from '../api';
import { href, navigate } from '../router';
import type { TimeRange } from '../search';
import { Empty, ErrorBox } from '../components/common';
import { RefreshPicker, SearchPanel, useDashboardRefresh } from '../components/panel';
import { TimeRangePicker } from '../components/time-range';

type Visualization = 'line' | 'area' | 'column' | 'table' | 'events' | 'single';
interface Panel { title: string; query: string; visualization: Visualization; earliest?: string; latest?: string }
interface Dashboard { id: string; name: string; description: string; panels: Panel[]; version: number }
const VISUALIZATIONS: Visualization[] = ['line', 'area', 'column', 'table', 'events', 'single'];

export function DashboardList() {
  const [list, setList] = useState<Dashboard[] | undefined>();
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    api<{ dashboards: Dashboard[] }>('GET', '/api/v1/dashboards').then((r) => setList(r.dashboards), setError);
  }, []);
  return (
    <section aria-labelledby="dash-title">
      <h1 id="dash-title">Dashboards</h1>
      <ul class="cards">
        <li>
          <a {...href('/dashboards/posture')}>Fleet security posture</a> <span class="muted">built in: the reference searches, violations, findings, stream health</span>
        </li>
        {(list ?? []).map((d) => (
          <li key={d.id}>
            <a {...href(`/dashboards/${enc(d.id)}`)}>{d.name}</a> <span class="muted">{d.panels.length} panels{d.description === '' ? '' : ` — ${d.description}`}</span>
          </li>
        ))}
      </ul>
      <ErrorBox error={error} />
      <button type="button" class="primary" onClick={() => navigate('/dashboards/new')}>
        New dashboard
      </button>
    </section>
  );
}

export function UserDashboard({ id }: { id: string }) {
  const [dashboard, setDashboard] = useState<Dashboard | undefined>(id === 'new' ? { id: '', name: 'New dashboard', description: '', panels: [{ title: 'Events', query: 'index=* | stats count by sourcetype', visualization: 'column' }], version: 0 } : undefined);
  const [editing, setEditing] = useState(id === 'new');
  const [error, setError] = useState<unknown>();
  const [range, setRange] = useState<TimeRange>({ earliest: '-24h', latest: '' });
  const [every, setEvery] = useState('');
  const refresh = useDashboardRefresh(every);
  useEffect(() => {
    if (id !== 'new') api<Dashboard>('GET', `/api/v1/dashboards/${enc(id)}`).then(setDashboard, setError);
  }, [id]);
  if (dashboard === undefined) return error === undefined ? <progress aria-label="loading dashboard" /> : <ErrorBox error={error} />;

  const save = async (): Promise<void> => {
    setError(undefined);
    try {
      const body = { name: dashboard.name, description: dashboard.description, panels: dashboard.panels };
      const saved = dashboard.id === '' ? await api<Dashboard>('POST', '/api/v1/dashboards', body) : await api<Dashboard>('PUT', `/api/v1/dashboards/${enc(dashboard.id)}`, { ...body, version: dashboard.version });
      setDashboard(saved);
      setEditing(false);
      if (dashboard.id === '') navigate(`/dashboards/${enc(saved.id)}`, true);
    } catch (e) {
      setError(e);
    }
  };
  const remove = async (): Promise<void> => {
    if (!confirm(`Delete dashboard "${dashboard.name}"?`)) return;
    await api('DELETE', `/api/v1/dashboards/${enc(dashboard.id)}`).then(() => navigate('/dashboards'), setError);
  };
  const setPanel = (i: number, change: Partial<Panel>): void => setDashboard({ ...dashboard, panels: dashboard.panels.map((p, j) => (j === i ? { ...p, ...change } : p)) });

  return (
    <section aria-labelledby="ud-title">
      <h1 id="ud-title">{dashboard.name}</h1>
      <div class="toolbar">
        <TimeRangePicker value={range} onChange={setRange} />
        <RefreshPicker value={every} onChange={setEvery} />
        {editing ? (
          <>
            <button type="button" class="primary" onClick={() => void save()}>
              Save
            </button>
            {dashboard.id === '' ? null : <button type="button" onClick={() => setEditing(false)}>Cancel</button>}
          </>
        ) : (
          <>
            <button type="button" onClick={() => setEditing(true)}>
              Edit
            </button>
            <button type="button" onClick={() => void remove()}>
              Delete
            </button>
          </>
        )}
      </div>
      <ErrorBox error={error} />
      {editing ? (
        <form
          class="editor"
          onSubmit={(e) => {
            e.preventDefault();
            void save();
          }}
        >
          <label for="d-name">Name</label>
          <input id="d-name" value={dashboard.name} onInput={(e) => setDashboard({ ...dashboard, name: (e.target as HTMLInputElement).value })} />
          <label for="d-desc">Description</label>
          <input id="d-desc" value={dashboard.description} onInput={(e) => setDashboard({ ...dashboard, description: (e.target as HTMLInputElement).value })} />
          {dashboard.panels.map((p, i) => (
            <fieldset key={i}>
              <legend>Panel {i + 1}</legend>
              <label for={`p-title-${i}`}>Title</label>
              <input id={`p-title-${i}`} value={p.title} onInput={(e) => setPanel(i, { title: (e.target as HTMLInputElement).value })} />
              <label for={`p-query-${i}`}>SPL</label>
              <textarea id={`p-query-${i}`} rows={2} value={p.query} onInput={(e) => setPanel(i, { query: (e.target as HTMLTextAreaElement).value })} />
              <label for={`p-viz-${i}`}>Visualization</label>
              <select id={`p-viz-${i}`} value={p.visualization} onChange={(e) => setPanel(i, { visualization: (e.target as HTMLSelectElement).value as Visualization })}>
                {VISUALIZATIONS.map((v) => (
                  <option key={v} value={v}>
                    {v}
                  </option>
                ))}
              </select>
              <button type="button" onClick={() => setDashboard({ ...dashboard, panels: dashboard.panels.filter((_, j) => j !== i) })}>
                Remove panel
              </button>
            </fieldset>
          ))}
          <button type="button" onClick={() => setDashboard({ ...dashboard, panels: [...dashboard.panels, { title: `Panel ${dashboard.panels.length + 1}`, query: 'index=*', visualization: 'table' }] })}>
            Add panel
          </button>
        </form>
      ) : dashboard.panels.length === 0 ? (
        <Empty title="No panels">Edit the dashboard to add searches.</Empty>
      ) : (
        <div class="grid">
          {dashboard.panels.map((p, i) => (
            <SearchPanel key={`${i}-${p.query}`} title={p.title} query={p.query} visualization={p.visualization} range={p.earliest === undefined ? range : { earliest: p.earliest, latest: p.latest ?? '' }} refresh={refresh} />
          ))}
        </div>
      )}
    </section>
  );
}
