import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VigilClient, respondClient } from '../../src/api/index.js';
import { startVigil, validateVigilConfig, type RunningVigil } from '../../src/app/index.js';
import { demoConfig, demoSummary, referenceQueries, startDemo, type RunningDemo } from '../../src/demo/index.js';
import { exportSearch as splunkExport } from '../support/splunk-export.js';
import { tempDir } from '../support/temp.js';

const CHROMIUM = process.env['VIGIL_CHROMIUM'] ?? '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const SHOTS = 'test-results';
/** `vigil up --demo` at speed 150: a simulated report (every 300 s) every 2 s, the FTP server on the target 0.4 s in. */
const SPEED = 150;
const DEVICES = 20;

let dir: { path: string; remove(): void };
let running: RunningVigil;
let demo: RunningDemo;
let client: VigilClient;
let adminToken: string;
/** The thing the demo compromises (`ftp-port-21`: it starts listening on TCP/21). */
let target: string;
/** Every simulated thing, sorted (the chart's series order). */
let things: string[];
/** The `console <api>/ui/?ticket=…` link of what `vigil up --demo` prints. */
let consoleLink: string;
let queries: string[];
/**
 * Reference query 2 with `limit=0`: like Splunk, `chart … by thing` keeps the top 10 series and folds
 * the rest into OTHER by default, so with the demo's 20 devices only `limit=0` gives a series per thing.
 */
let q2AllThings: string;
let browser: Browser;
let page: Page;

/** Runs SPL through Splunk's REST export endpoint of the demo server. */
function exportSearch(query: string): Promise<Array<Record<string, unknown>>> {
  return splunkExport(running.endpoints['api'] as string, adminToken, query);
}

/** Polls `condition`; on timeout the error names what was awaited and what was last seen (`seen`). */
async function until(what: string, condition: (seen: (state: unknown) => void) => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (!(await condition((state) => (last = state)))) {
    if (Date.now() > deadline) throw new Error(`not in ${timeoutMs} ms: ${what}; last seen ${JSON.stringify(last)}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** The ports the target's reports listed, as query 3 (open ports on a thing) charts them. */
async function targetPorts(): Promise<string[]> {
  const rows = await exportSearch(queries[2] as string);
  const ports = new Set(rows.flatMap((row) => Object.entries(row).filter(([k, v]) => k !== '_time' && Number(v) > 0).map(([k]) => k)));
  return [...ports].sort((a, b) => Number(a) - Number(b));
}

/** Waits for what the acceptance looks at: every device reporting, the step to port 21 on the target, the audit done, the violation raised. */
async function demoSettled(): Promise<void> {
  await until('20 devices connected and reporting', (seen) => {
    const stats = demo.simulator.stats();
    seen(stats);
    return stats.connected === DEVICES && Object.keys(stats.acceptedByThing).length === DEVICES && (stats.acceptedByThing[target] ?? 0) >= 2;
  }, 60_000);
  await until('the target reports port 21, query 2 shows its step and every thing', async (seen) => {
    const rows = await exportSearch(q2AllThings);
    const counts = rows.map((row) => Number(row[target])).filter((n) => Number.isFinite(n) && n > 0);
    const reporting = things.filter((t) => rows.some((row) => Number(row[t]) > 0));
    const ports = await targetPorts();
    seen({ target, counts, reporting: reporting.length, columns: Object.keys(rows[0] ?? {}), ports });
    return reporting.length === DEVICES && counts.length >= 2 && Math.max(...counts) === Math.min(...counts) + 1 && ports.includes('21');
  }, 90_000);
  await until(`audit task ${demo.auditTaskId ?? '(none)'} completed`, async (seen) => {
    const task = await client.request<{ taskStatus: string }>('GET', `/audit/tasks/${demo.auditTaskId ?? ''}`);
    seen(task);
    return task.taskStatus === 'COMPLETED';
  }, 60_000);
  await until('audit details in the SIEM (query 4)', async () => (await exportSearch(queries[3] as string)).length > 0, 60_000);
  await until('an active violation on the target', async () => {
    const { activeViolations } = await client.request<{ activeViolations: unknown[] }>('GET', `/active-violations?thingName=${encodeURIComponent(target)}`);
    return activeViolations.length > 0;
  }, 30_000);
}

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: join(SHOTS, `console-${name}.png`), fullPage: true });
}

/** The sign-in form or the signed-in shell, whichever the console shows. */
async function signedIn(p: Page): Promise<boolean> {
  await p.locator('#spl, #token').first().waitFor({ timeout: 30_000 });
  return (await p.getByRole('button', { name: 'Sign out' }).count()) > 0;
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
  if (!existsSync('dist/web/index.html')) execFileSync('npx', ['vite', 'build', '--config', 'web/vite.config.ts'], { stdio: 'inherit' });
  mkdirSync(SHOTS, { recursive: true });
  // `vigil up --demo` in-process, exactly as test/integration/demo.test.ts runs it: ephemeral ports, high speed.
  dir = tempDir();
  // Vigil's own log off: the demo's audit then has a finding (LOGGING_DISABLED_CHECK) for the
  // posture panel and the suppress test; with logging on and healthy devices it finds nothing.
  const base = validateVigilConfig({ data_dir: dir.path, log: { level: 'silent' }, api: { listen: '127.0.0.1:0' }, hec: { listen: '127.0.0.1:0' }, mqtt: { listen: '127.0.0.1:0', plain_listen: '127.0.0.1:0' } });
  const loaded = demoConfig(base, SPEED);
  running = await startVigil({ loaded, logDestination: new Writable({ write: (_c, _e, cb) => cb() }) });
  demo = await startDemo(running, loaded, { speed: SPEED });
  target = demo.simulator.target;
  adminToken = readFileSync(running.adminTokenPath, 'utf8').trim();
  client = new VigilClient({ baseUrl: running.endpoints['api'] as string, token: adminToken });
  queries = referenceQueries(demo.index, demo.sourcetype, target);
  q2AllThings = (queries[1] as string).replace('| chart max(', '| chart limit=0 max(');
  expect(q2AllThings).not.toBe(queries[1]);
  const summary = demoSummary(running, demo, join(running.layout.secretsDir, 'hec-token'));
  consoleLink = /^\s*console\s+(\S+\/ui\/\?ticket=[A-Za-z0-9_-]+)/m.exec(summary)?.[1] ?? '';
  expect(consoleLink.startsWith(`${running.endpoints['api']}/ui/?ticket=`), summary).toBe(true);
  // ListThingsInThingGroup: thing names.
  const fleet = await client.request<{ things: string[] }>('GET', '/thing-groups/DeviceDefenderFleet/things?maxResults=250');
  things = [...fleet.things].sort();
  expect(things.length).toBe(DEVICES);
  expect(things).toContain(target);
  await demoSettled();
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
  page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
});
afterAll(async () => {
  await browser?.close();
  await demo?.stop();
  await running?.stop();
  dir?.remove();
});

describe('the Vigil console in Chromium, on `vigil up --demo`', () => {
  it('signs in through the one-time link `vigil up --demo` prints', async () => {
    await page.goto(consoleLink);
    await page.getByLabel('SPL query').waitFor({ timeout: 30_000 });
    expect(await signedIn(page)).toBe(true);
    // The ticket leaves the address bar once spent.
    expect(page.url()).not.toContain('ticket=');
    const session = (await page.context().cookies()).find((c) => c.name === 'vigil_session');
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
    expect(await page.evaluate(() => document.cookie)).toBe('');
    expect(await page.evaluate(async () => (await fetch('/api/v1/dashboards')).status)).toBe(200);
    await shot('ticket-signed-in');
  });

  it('the link works once; the API token signs in with an httpOnly session cookie', async () => {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    try {
      const other = await context.newPage();
      await other.goto(consoleLink);
      await other.getByLabel('API token').waitFor({ timeout: 30_000 });
      expect(await signedIn(other)).toBe(false);
      await other.screenshot({ path: join(SHOTS, 'console-sign-in.png'), fullPage: true });
      await other.getByLabel('API token').fill('wrong-token');
      await other.getByRole('button', { name: 'Sign in' }).click();
      await other.getByRole('alert').waitFor();
      await other.getByLabel('API token').fill(adminToken);
      await other.getByRole('button', { name: 'Sign in' }).click();
      await other.getByLabel('SPL query').waitFor();
      const session = (await context.cookies()).find((c) => c.name === 'vigil_session');
      expect(session).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
      expect(await other.evaluate(() => document.cookie)).toBe('');
    } finally {
      await context.close();
    }
  });

  /** Runs SPL in the search page and returns the chart's series and its data table (one array of cells per series). */
  async function chartOf(query: string): Promise<{ series: string[]; columns: number[][] }> {
    await page.getByLabel('SPL query').fill(query);
    // A chart of the previous query may still be on the page: wait for this search to start and finish.
    await page.evaluate(() => {
      const w = window as unknown as { searchStarted: boolean };
      w.searchStarted = false;
      const observer = new MutationObserver(() => {
        if (document.querySelector('progress[aria-label="search running"]') === null) return;
        w.searchStarted = true;
        observer.disconnect();
      });
      observer.observe(document.body, { childList: true, subtree: true });
    });
    await page.getByLabel('SPL query').press('Control+Enter');
    await page.waitForFunction(() => (window as unknown as { searchStarted: boolean }).searchStarted && document.querySelector('progress[aria-label="search running"]') === null, undefined, { timeout: 60_000 });
    expect(new URL(page.url()).searchParams.get('q')).toBe(query);
    const chart = page.locator('figure.chart');
    await chart.waitFor({ timeout: 60_000 });
    expect(await page.locator('figure.chart canvas').count()).toBeGreaterThan(0);
    const series = (await chart.getAttribute('data-series'))?.split(',') ?? [];
    // The chart's own data table (visually hidden inside the figure; the legend sits outside it).
    const values = await page.locator('figure.chart table tbody tr').evaluateAll((rows) => rows.map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent ?? '')));
    const columns = series.map((_, i) => values.map((r) => Number(r[i])).filter((v) => !Number.isNaN(v) && v > 0));
    return { series, columns };
  }

  it('runs reference query 2 as printed: like Splunk, the top 10 things and OTHER', async () => {
    // "Last 24 hours" charts _time in 30-minute bins, which folds the demo's first minutes (and the
    // target's step) into one row; over all time each report is its own row, as in the export API.
    await page.getByLabel('Time range').selectOption({ label: 'All time' });
    const { series, columns } = await chartOf(queries[1] as string);
    expect(series.length).toBe(11);
    expect(series.at(-1)).toBe('OTHER');
    expect(new Set(series.slice(0, 10)).size).toBe(10);
    for (const name of series.slice(0, 10)) expect(things).toContain(name);
    for (const [i, name] of series.entries()) expect(columns[i]?.length, name).toBeGreaterThan(0);
    await shot('search-query-2-top10');
  });

  it('runs reference query 2 over every thing (limit=0): one series per simulated thing, and a step for the compromised thing', async () => {
    const { series, columns } = await chartOf(q2AllThings);
    expect(series).toEqual(things);
    for (const [i, thing] of things.entries()) {
      const counts = columns[i] ?? [];
      expect(counts.length, thing).toBeGreaterThan(0);
      if (thing === target) continue;
      // Every other device listens on the same ports throughout.
      expect(new Set(counts).size, thing).toBe(1);
    }
    const stepped = columns[things.indexOf(target)] ?? [];
    expect(stepped.length).toBeGreaterThanOrEqual(2);
    expect(stepped.at(-1)).toBe((stepped[0] as number) + 1);
    expect(Math.max(...stepped) - Math.min(...stepped)).toBe(1);
    await shot('search-query-2');
  });

  it('shows an SPL syntax error at the caret', async () => {
    await page.getByLabel('SPL query').fill('index=main | bogus x');
    await page.getByRole('button', { name: 'Run' }).click();
    await page.locator('pre.caret').waitFor();
    expect(await page.locator('pre.caret').textContent()).toContain('^');
    const selection = await page.locator('#spl').evaluate((el) => [(el as HTMLTextAreaElement).selectionStart, (el as HTMLTextAreaElement).selectionEnd]);
    expect(selection[0]).toBe('index=main | '.length);
    await shot('search-error');
  });

  it('opens the posture dashboard: every panel renders its data (the violation, the audit findings, port 21 on the compromised thing)', async () => {
    await page.getByRole('link', { name: 'Dashboards' }).click();
    await page.getByRole('link', { name: 'Fleet security posture' }).click();
    await page.getByLabel('Thing', { exact: true }).selectOption(target);
    await page.locator(`#panel-open-ports-on-${target}`).waitFor();
    // Live updates re-load panels as reports arrive; wait for a moment when every panel shows its data.
    await page.waitForFunction(() => {
      const panels = [...document.querySelectorAll('.panel')];
      return panels.length === 10 && panels.every((p) => p.getAttribute('data-state') === 'data');
    }, undefined, { timeout: 60_000 }).catch(() => undefined);
    const states = await page.locator('.panel').evaluateAll((panels) => panels.map((p) => [p.querySelector('h2')?.textContent ?? '', p.getAttribute('data-state')]));
    expect(states.length).toBe(10);
    for (const [title, state] of states) expect({ title, state }).toEqual({ title, state: 'data' });
    // The demo's misconfigured device is the one with authorization failures.
    const misconfigured = demo.simulator.misconfigured as string;
    const failures = page.locator('section.panel', { has: page.getByRole('heading', { name: 'Authorization failures', exact: true }) });
    expect((await failures.locator('figure.chart').getAttribute('data-series'))?.split(',')).toEqual([misconfigured]);
    const panel = (title: string) => page.locator('section.panel', { has: page.getByRole('heading', { name: title, exact: true }) });
    // The demo raises a violation on the target and runs an audit: neither panel is an empty state.
    await panel('Active violations').getByRole('table').waitFor({ timeout: 30_000 });
    expect(await panel('Active violations').getByRole('link', { name: target, exact: true }).count()).toBeGreaterThan(0);
    expect(await panel('Active violations').textContent()).toContain('ListeningTcpPortsInExpectedSet');
    await panel('Audit findings by check and severity').getByRole('table').waitFor({ timeout: 30_000 });
    expect(await panel('Audit findings by check and severity').locator('tbody tr').count()).toBeGreaterThan(0);
    expect(await panel('Audit detail events').locator('tbody tr').count()).toBeGreaterThan(0);
    expect(await panel('Delivery-stream health').getByRole('table').textContent()).toContain('siem');
    const ports = page.locator('section.panel', { has: page.locator(`#panel-open-ports-on-${target}`) }).locator('figure.chart');
    const series = (await ports.getAttribute('data-series'))?.split(',') ?? [];
    expect(series).toContain('21');
    expect([...series].sort((a, b) => Number(a) - Number(b))).toEqual(await targetPorts());
    await shot('dashboard-posture');
  });

  it('lists the alerts (the demo\'s enabled, the other bundled ones disabled), runs the demo\'s now and shows the run with port 21 on the compromised thing', async () => {
    const name = demo.alert as string;
    expect(name).toBe('iot-new-listening-port');
    await page.getByRole('link', { name: 'Alerts', exact: true }).click();
    const table = page.getByRole('table', { name: 'Saved searches' });
    await table.waitFor({ timeout: 30_000 });
    const row = (n: string) => table.locator('tbody > tr', { has: page.getByRole('link', { name: n, exact: true }) });
    expect(await row(name).locator('td').nth(2).textContent()).toMatch(/^enabled/);
    expect(await row(name).getByRole('button', { name: `Disable: ${name}`, exact: true }).count()).toBe(1);
    // Bundled detections other than the demo's stay as installed: disabled, and marked bundled.
    const other = row('iot-bytes-out-spike');
    expect(await other.locator('td').nth(2).textContent()).toBe('disabledbundled');
    expect(await other.getByRole('button', { name: 'Enable: iot-bytes-out-spike', exact: true }).count()).toBe(1);
    await row(name).getByRole('button', { name: `Run now: ${name}`, exact: true }).click();
    const status = page.getByRole('status').filter({ hasText: `${name}: ran now` });
    await status.waitFor({ timeout: 60_000 });
    expect(await status.textContent()).toMatch(/ran now, (fired|throttled): \d+ results?, /);
    await shot('alerts');

    await status.getByRole('link', { name: 'View history' }).click();
    const runs = page.getByRole('table', { name: 'Alert runs' });
    await runs.waitFor({ timeout: 30_000 });
    const seen = await runs.locator(':scope > tbody > tr').evaluateAll((trs) =>
      trs.map((tr) => {
        const cells = [...tr.children].map((td) => td as HTMLElement);
        const sample = cells[7]?.querySelector('table');
        const header = [...(sample?.querySelectorAll('thead th') ?? [])].map((th) => th.textContent ?? '');
        const rows = [...(sample?.querySelectorAll('tbody tr') ?? [])].map((r) => Object.fromEntries([...r.querySelectorAll('td')].map((td, i) => [header[i] ?? String(i), td.textContent ?? ''])));
        return { cause: cells[1]?.textContent ?? '', status: cells[2]?.textContent ?? '', rows };
      }),
    );
    // Newest first: the first dispatched run is the one "Run now" just made.
    const dispatched = seen.find((r) => r.cause === 'dispatch');
    expect(dispatched, JSON.stringify(seen)).toBeDefined();
    expect(['fired', 'throttled']).toContain(dispatched?.status);
    expect(dispatched?.rows.some((r) => r['thing'] === target && r['port'] === '21'), JSON.stringify(dispatched)).toBe(true);
    expect((await client.request<{ runs: Array<{ cause: string }> }>('GET', `/api/v1/saved-searches/${name}/history`)).runs.filter((r) => r.cause === 'dispatch').length).toBe(1);
    await shot('alerts-history');
    // "Open in search" carries the saved search's SPL and time range to the search page.
    const saved = await client.request<{ search: string; earliest: string }>('GET', `/api/v1/saved-searches/${name}`);
    await page.getByRole('link', { name: `Open in search: ${name}`, exact: true }).click();
    await page.getByLabel('SPL query').waitFor();
    expect(await page.getByLabel('SPL query').inputValue()).toBe(saved.search);
    expect(new URL(page.url()).searchParams.get('earliest')).toBe(saved.earliest);
  });

  it('shows the fleet and the compromised thing with port 21 open', async () => {
    await page.getByRole('link', { name: 'Fleet' }).click();
    await page.getByLabel('Search things').fill(target);
    await page.getByRole('link', { name: target, exact: true }).click();
    await page.getByRole('list', { name: 'Listening TCP ports' }).waitFor({ timeout: 30_000 });
    const listed = await page.getByRole('list', { name: 'Listening TCP ports' }).locator('li').allTextContents();
    expect(listed).toContain('21');
    expect(listed).toEqual(await targetPorts());
    await shot('fleet-thing');
    await page.getByRole('link', { name: '← Things' }).click();
    await page.getByRole('table', { name: 'Things' }).waitFor();
    await shot('fleet-things');
  });

  it('suppresses a finding of the demo\'s audit', async () => {
    await page.getByRole('link', { name: 'Audit' }).click();
    await page.getByRole('table', { name: 'Audit tasks' }).getByText(demo.auditTaskId as string).waitFor({ timeout: 30_000 });
    const buttons = page.getByRole('button', { name: /^Suppress / });
    await buttons.first().waitFor({ timeout: 30_000 });
    const label = (await buttons.first().getAttribute('aria-label')) as string;
    const before = await buttons.count();
    const same = await page.getByRole('button', { name: label, exact: true }).count();
    await buttons.first().click();
    await page.getByText(/^suppressed /).waitFor();
    await page.waitForFunction((l) => ![...document.querySelectorAll('button')].some((b) => b.getAttribute('aria-label') === l), label);
    expect(await buttons.count()).toBe(before - same);
    const checkName = label.replace(/^Suppress /, '').split(' ')[0] as string;
    const { suppressions } = await client.request<{ suppressions: Array<{ checkName: string }> }>('POST', '/audit/suppressions/list', { maxResults: 250 });
    expect(suppressions.map((s) => s.checkName)).toContain(checkName);
    await shot('audit');
  });

  it('renders the detect and streams pages', async () => {
    await page.getByRole('link', { name: 'Detect' }).click();
    await page.getByRole('heading', { name: 'Security profiles' }).waitFor();
    await shot('detect');
    await page.getByRole('link', { name: 'Streams' }).click();
    await page.getByRole('heading', { name: 'Delivery streams' }).waitFor();
    await shot('streams');
  });

  it('shows the playbooks (bundled ones disabled) and a waiting run; Approve quarantines the thing, every step shows its outcome, Undo restores it', async () => {
    const respond = respondClient(client);
    const name = 'new-listening-port-quarantine';
    const waiting = await respond.run(name, { thing: target, port: '21', violation_id: 'e2e' });
    await until('the run to wait for approval', async (seen) => {
      const run = await respond.getRun(waiting.id);
      seen(run.state);
      return run.state === 'waiting_approval';
    }, 30_000);
    await page.getByRole('link', { name: 'Playbooks' }).click();
    const table = page.getByRole('table', { name: 'Playbooks' });
    await table.waitFor({ timeout: 30_000 });
    expect(await table.locator('tbody tr', { hasText: name }).locator('td').nth(1).textContent()).toBe('disabled');
    await page.getByRole('button', { name: `Show run ${waiting.id}`, exact: true }).click();
    await page.getByRole('button', { name: `Approve run ${waiting.id}`, exact: true }).click();
    await until('the run to succeed', async (seen) => {
      const run = await respond.getRun(waiting.id);
      seen(run.state);
      return run.state === 'succeeded';
    }, 30_000);
    await page.getByRole('button', { name: `Show run ${waiting.id}`, exact: true }).click();
    const steps = page.getByRole('table', { name: `Steps of run ${waiting.id}` });
    await steps.getByText('moved', { exact: false }).waitFor({ timeout: 30_000 });
    const statuses = await steps.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [tr.children[1]?.textContent, tr.children[2]?.textContent]));
    expect(statuses).toEqual([['case_note', 'succeeded'], ['approval', 'approved'], ['quarantine', 'succeeded']]);
    expect((await running.registry.things.listGroupsForThing(target, {})).items.map((g) => g.groupName)).toEqual(['vigil-quarantine']);
    await shot('playbooks');
    await page.getByRole('button', { name: `Undo run ${waiting.id}`, exact: true }).click();
    await page.getByRole('heading', { name: /undone/ }).waitFor({ timeout: 30_000 });
    expect((await running.registry.things.listGroupsForThing(target, {})).items.map((g) => g.groupName)).toEqual(['DeviceDefenderFleet']);
  });

  it('signs out: the session no longer authenticates', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('API token').waitFor();
    const status = await page.evaluate(async () => (await fetch('/api/v1/dashboards')).status);
    expect(status).toBe(401);
    await shot('signed-out');
  });
});
