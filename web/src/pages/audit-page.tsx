import { useEffect, useState } from 'preact/hooks';
import { api, enc } from '../api';
import type { AuditFinding } from '../aws';
import { awsAll, listPage } from '../lists';
import { liveTick } from '../live';
import { Empty, ErrorBox, ObjectTable, Pager, formatTime, listKeys, usePaged } from '../components/common';

const token = (): string => `console-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;

function Unavailable({ error }: { error: unknown; what: string }) {
  return <ErrorBox error={error} />;
}

function sorted(value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  return Object.fromEntries(Object.entries(value as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, sorted(v)]));
}
const suppressionKey = (checkName: string, resource: unknown): string => `${checkName} ${JSON.stringify(sorted(resource ?? {}))}`;

function resourceText(f: AuditFinding): string {
  const id = f.nonCompliantResource?.resourceIdentifier ?? {};
  return Object.entries(id).map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`).join(', ');
}

/** Every audit suppression (ListAuditSuppressions, page after page). */
async function allSuppressions(): Promise<Array<{ checkName: string; resourceIdentifier: unknown }>> {
  const out: Array<{ checkName: string; resourceIdentifier: unknown }> = [];
  let nextToken: string | undefined;
  do {
    const page = await api<{ suppressions?: Array<{ checkName: string; resourceIdentifier: unknown }>; nextToken?: string }>('POST', '/audit/suppressions/list', { maxResults: 250, ...(nextToken === undefined ? {} : { nextToken }) });
    out.push(...(page.suppressions ?? []));
    nextToken = page.nextToken;
  } while (nextToken !== undefined);
  return out;
}

export function AuditPage() {
  const [checks, setChecks] = useState<string[]>([]);
  const [schedules, setSchedules] = useState<Array<Record<string, unknown>> | undefined>();
  const [actions, setActions] = useState<string[]>([]);
  const [suppressed, setSuppressed] = useState<Set<string>>(new Set());
  const [error, setError] = useState<unknown>();
  const [message, setMessage] = useState('');
  const [check, setCheck] = useState('');
  const [severity, setSeverity] = useState('');
  const [showSuppressed, setShowSuppressed] = useState(false);
  const [reload, setReload] = useState(0);
  const refresh = liveTick.value;

  const findings = usePaged(
    (offset, limit) => listPage('auditFindings', { offset, limit, days: 30, ...(check === '' ? {} : { checkName: check }), ...(severity === '' ? {} : { severity: severity as 'CRITICAL' }), ...(showSuppressed ? {} : { suppressed: false }) }),
    [check, severity, showSuppressed],
    refresh + reload,
  );
  const tasks = usePaged((offset, limit) => listPage('auditTasks', { offset, limit, days: 30 }), [], refresh + reload, 25);
  useEffect(() => {
    api<{ auditCheckConfigurations?: Record<string, unknown> }>('GET', '/audit/configuration').then((c) => setChecks(Object.keys(c.auditCheckConfigurations ?? {}).sort()), () => setChecks([]));
    api<{ scheduledAudits: Array<Record<string, unknown>> }>('GET', '/audit/scheduledaudits').then((r) => setSchedules(r.scheduledAudits ?? []), () => setSchedules([]));
    // A suppression covers future audits (AWS semantics); findings already listed show it too.
    allSuppressions().then((list) => setSuppressed(new Set(list.map((x) => suppressionKey(x.checkName, x.resourceIdentifier)))), () => setSuppressed(new Set()));
    awsAll<{ actionName: string }>('/mitigationactions/actions?maxResults=250', 'actionIdentifiers').then((list) => setActions(list.map((a) => a.actionName)), () => setActions([]));
  }, [reload, refresh]);

  const runNow = async (): Promise<void> => {
    setMessage('');
    try {
      const config = await api<{ auditCheckConfigurations?: Record<string, { enabled?: boolean }> }>('GET', '/audit/configuration');
      const checks = Object.entries(config.auditCheckConfigurations ?? {}).filter(([, c]) => c.enabled === true).map(([name]) => name);
      if (checks.length === 0) {
        setMessage('No audit check is enabled: enable checks in the account audit configuration (UpdateAccountAuditConfiguration or `vigil apply`).');
        return;
      }
      const started = await api<{ taskId: string }>('POST', '/audit/tasks', { targetCheckNames: checks });
      setMessage(`audit task ${started.taskId} started (${checks.length} checks)`);
      setReload((n) => n + 1);
    } catch (e) {
      setError(e);
    }
  };
  const suppress = async (f: AuditFinding): Promise<void> => {
    try {
      await api('POST', '/audit/suppressions/create', { checkName: f.checkName, resourceIdentifier: f.nonCompliantResource?.resourceIdentifier ?? {}, suppressIndefinitely: true, description: 'suppressed from the Vigil console', clientRequestToken: token() });
      setMessage(`suppressed ${f.checkName} for ${resourceText(f)}`);
      setReload((n) => n + 1);
    } catch (e) {
      setError(e);
    }
  };
  const mitigate = async (f: AuditFinding, action: string): Promise<void> => {
    try {
      const taskId = token();
      await api('POST', `/audit/mitigationactions/tasks/${enc(taskId)}`, { target: { findingIds: [f.findingId] }, auditCheckToActionsMapping: { [f.checkName]: [action] }, clientRequestToken: token() });
      setMessage(`mitigation task ${taskId} started (${action})`);
    } catch (e) {
      setError(e);
    }
  };

  const isSuppressed = (f: AuditFinding): boolean => f.isSuppressed === true || suppressed.has(suppressionKey(f.checkName, f.nonCompliantResource?.resourceIdentifier));
  const shown = findings.page?.items ?? [];
  return (
    <section aria-labelledby="audit-title">
      <h1 id="audit-title">Audit</h1>
      <div class="toolbar">
        <button type="button" class="primary" onClick={() => void runNow()}>
          Run audit now
        </button>
      </div>
      {message === '' ? null : <p role="status" class="ok">{message}</p>}
      {error !== undefined ? <Unavailable error={error} what="Audit tasks and findings" /> : null}
      {findings.error !== undefined ? <Unavailable error={findings.error} what="Audit findings" /> : null}
      <section class="panel" aria-labelledby="findings-title">
        <h2 id="findings-title">Findings (30 days)</h2>
        <div class="toolbar">
          <label for="f-check">Check</label>
          <select id="f-check" value={check} onChange={(e) => setCheck((e.target as HTMLSelectElement).value)}>
            <option value="">All checks</option>
            {checks.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
          <label for="f-sev">Severity</label>
          <select id="f-sev" value={severity} onChange={(e) => setSeverity((e.target as HTMLSelectElement).value)}>
            <option value="">Any</option>
            {['CRITICAL', 'HIGH', 'MEDIUM', 'LOW'].map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
          <label>
            <input type="checkbox" checked={showSuppressed} onChange={(e) => setShowSuppressed((e.target as HTMLInputElement).checked)} /> show suppressed
          </label>
        </div>
        <Pager paged={findings} label="findings" />
        {findings.page !== undefined && shown.length === 0 ? <Empty title="No findings match" /> : null}
        {shown.length > 0 ? (
          <ObjectTable
            items={shown}
            onKeyDown={listKeys(findings.keys)}
            caption="Audit findings"
            columns={[
              { label: 'Check', render: (f) => f.checkName },
              { label: 'Severity', render: (f) => <span class={`sev sev-${(f.severity ?? '').toLowerCase()}`}>{f.severity}</span> },
              { label: 'Resource', render: (f) => resourceText(f) },
              { label: 'Reason', render: (f) => f.reasonForNonCompliance ?? '' },
              { label: 'Found', render: (f) => formatTime(f.findingTime) },
              {
                label: 'Actions',
                render: (f) => (
                  <span class="actions">
                    {isSuppressed(f) ? <span class="muted">suppressed</span> : <button type="button" onClick={() => void suppress(f)} aria-label={`Suppress ${f.checkName} ${resourceText(f)}`}>Suppress</button>}
                    {actions.length === 0 ? null : (
                      <select aria-label={`Start mitigation for ${f.checkName}`} value="" onChange={(e) => void mitigate(f, (e.target as HTMLSelectElement).value)}>
                        <option value="">Mitigate…</option>
                        {actions.map((a) => (
                          <option key={a} value={a}>
                            {a}
                          </option>
                        ))}
                      </select>
                    )}
                  </span>
                ),
              },
            ]}
          />
        ) : null}
      </section>
      <div class="grid">
        <section class="panel" aria-labelledby="tasks-title">
          <h2 id="tasks-title">Tasks</h2>
          <Pager paged={tasks} label="tasks" />
          {tasks.error !== undefined ? <Unavailable error={tasks.error} what="Audit tasks" /> : null}
          {tasks.page !== undefined && tasks.page.total === 0 ? <Empty title="No audit tasks in 30 days" /> : null}
          {tasks.page !== undefined && tasks.page.items.length > 0 ? <ObjectTable items={tasks.page.items} onKeyDown={listKeys(tasks.keys)} caption="Audit tasks" columns={[{ label: 'Task', render: (t) => <code>{t.taskId}</code> }, { label: 'Type', render: (t) => t.taskType }, { label: 'Status', render: (t) => t.taskStatus }]} /> : null}
        </section>
        <section class="panel" aria-labelledby="sched-title">
          <h2 id="sched-title">Schedules</h2>
          {schedules !== undefined && schedules.length === 0 ? <Empty title="No scheduled audits" /> : null}
          {schedules !== undefined && schedules.length > 0 ? <ObjectTable items={schedules} caption="Scheduled audits" columns={[{ label: 'Name', render: (s) => String(s['scheduledAuditName']) }, { label: 'Frequency', render: (s) => String(s['frequency']) }, { label: 'Day', render: (s) => String(s['dayOfWeek'] ?? s['dayOfMonth'] ?? '') }]} /> : null}
        </section>
      </div>
    </section>
  );
}
