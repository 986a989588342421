import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VigilClient } from '../../src/api/index.js';
import { startVigil, validateVigilConfig, type RunningVigil } from '../../src/app/index.js';
import { demoConfig, demoSummary, startDemo, type RunningDemo } from '../../src/demo/index.js';
import { seedThings, seedViolations } from '../support/seed-lists.js';
import { tempDir } from '../support/temp.js';

// The posture dashboard, the fleet and the lists at scale, in real Chromium over `vigil up --demo`.
const CHROMIUM = process.env['VIGIL_CHROMIUM'] ?? '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const SHOTS = 'test-results';
const SPEED = 150;
const SEEDED_THINGS = 10_000;
const SEEDED_VIOLATIONS = 2_000;
/** A thing name as long as AWS allows (128 characters). */
const LONG_NAME = `zz-long-${'abcdefghij0123456789'.repeat(7)}`.slice(0, 128);

let dir: { path: string; remove(): void };
let running: RunningVigil;
let demo: RunningDemo;
let client: VigilClient;
let target: string;
let consoleLink: string;
let base: string;
let browser: Browser;
let page: Page;

async function until(what: string, condition: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`not in ${timeoutMs} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Waits until the page shows no loading indicator (live updates keep a request open, so the network is never idle). */
async function settled(p: Page): Promise<void> {
  await p.locator('main h1').first().waitFor({ timeout: 30_000 });
  await p.waitForFunction(() => document.querySelector('main progress') === null, undefined, { timeout: 60_000 });
}

const panel = (title: string) => page.locator('section.panel', { has: page.getByRole('heading', { name: title, exact: true }) });

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
  if (!existsSync('dist/web/index.html')) execFileSync('npx', ['vite', 'build', '--config', 'web/vite.config.ts'], { stdio: 'inherit' });
  mkdirSync(SHOTS, { recursive: true });
  dir = tempDir();
  const config = validateVigilConfig({ data_dir: dir.path, log: { level: 'warn' }, api: { listen: '127.0.0.1:0' }, hec: { listen: '127.0.0.1:0' }, mqtt: { listen: '127.0.0.1:0', plain_listen: '127.0.0.1:0' } });
  const loaded = demoConfig(config, SPEED);
  running = await startVigil({ loaded, logDestination: new Writable({ write: (_c, _e, cb) => cb() }) });
  demo = await startDemo(running, loaded, { speed: SPEED });
  target = demo.simulator.target;
  base = running.endpoints['api'] as string;
  client = new VigilClient({ baseUrl: base, token: readFileSync(running.adminTokenPath, 'utf8').trim() });
  consoleLink = /^\s*console\s+(\S+\/ui\/\?ticket=[A-Za-z0-9_-]+)/m.exec(demoSummary(running, demo, join(running.layout.secretsDir, 'hec-token')))?.[1] ?? '';
  // The acceptance looks at the compromised device once it is in violation and its port 21 is in the SIEM.
  await until(`an active violation on ${target}`, async () => (await client.request<{ activeViolations: unknown[] }>('GET', `/active-violations?thingName=${encodeURIComponent(target)}`)).activeViolations.length > 0, 90_000);
  await until('port 21 in the SIEM', async () => {
    const response = await client.request<{ rows: Array<Record<string, unknown>> }>('POST', '/api/v1/search', { query: `index="aws_hfb" sourcetype="aws-iot-device-defender" | where thing="${target}" | spath name | search name="aws:listening-tcp-ports" | spath value.ports{} output=p | mvexpand p | search p=21 | head 1`, maxRows: 1 });
    return response.rows.length > 0;
  }, 60_000);
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
  page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await page.goto(consoleLink);
  await page.getByRole('button', { name: 'Sign out' }).waitFor({ timeout: 30_000 });
});
afterAll(async () => {
  await browser?.close();
  await demo?.stop();
  await running?.stop();
  dir?.remove();
});

describe('the posture dashboard, the fleet and lists at scale, in Chromium on `vigil up --demo`', () => {
  it('opened with no parameters: the compromised thing first, the picker on it, port 21 in its open-ports columns (stacked), a range that covers the data', async () => {
    await page.goto(`${base}/ui/dashboards/posture`);
    const violating = panel('Things in violation');
    await violating.getByRole('table').waitFor({ timeout: 60_000 });
    const firstThing = await violating.locator('tbody tr').first().locator('td').first().textContent();
    expect(firstThing).toBe(target);
    expect(await page.getByLabel('Thing', { exact: true }).inputValue()).toBe(target);
    const ports = page.locator('section.panel', { has: page.locator(`#panel-open-ports-on-${target}`) });
    await ports.locator('figure.chart').waitFor({ timeout: 60_000 });
    expect((await ports.locator('figure.chart').getAttribute('data-series'))?.split(',')).toContain('21');
    expect(await ports.locator('figure.chart').getAttribute('data-stacked')).toBe('true');
    // The demo's data is minutes old: the dashboard opened on the last hour, not the last 24.
    const url = new URL(page.url());
    expect(url.searchParams.get('earliest')).toBe('-60m');
    expect(url.searchParams.get('thing')).toBe(target);
    // The panel order tells the story: things in violation, then the picked thing's open ports.
    const titles = await page.locator('section.panel h2').allTextContents();
    expect(titles.slice(0, 2)).toEqual(['Things in violation', `Open ports on ${target}`]);
    // Legends show the latest values, never uPlot's "--".
    await page.waitForFunction(() => document.querySelectorAll('.u-legend').length > 0);
    for (const legend of await page.locator('.u-legend').allTextContents()) expect(legend).not.toContain('--');
    // "Open in search" carries the query and the range.
    const open = new URL(await ports.getByRole('link', { name: /^Open in search/ }).getAttribute('href') as string, base);
    expect(open.pathname).toBe('/ui/search');
    expect(open.searchParams.get('q')).toContain(`where thing="${target}"`);
    expect(open.searchParams.get('earliest')).toBe('-60m');
    await page.screenshot({ path: join(SHOTS, 'posture-default.png'), fullPage: true });
  });

  it('auto refresh: off, 10 s, 1 m, 5 m; 10 s re-runs the panels\' searches', async () => {
    const picker = page.getByLabel('Auto refresh');
    expect(await picker.locator('option').allTextContents()).toEqual(['Off', '10 s', '1 m', '5 m']);
    const searches: string[] = [];
    const seen = (request: { url(): string; method(): string }): void => void (request.method() === 'POST' && request.url().endsWith('/api/v1/search') && searches.push(request.url()));
    page.on('request', seen);
    await picker.selectOption({ label: '10 s' });
    await until('a refresh 10 s later', async () => searches.length >= 5, 25_000);
    page.off('request', seen);
    expect(new URL(page.url()).searchParams.get('refresh')).toBe('10s');
    await picker.selectOption({ label: 'Off' });
  });

  it('the fleet lists connection state, last seen, last report and open violations; the thing page charts its metrics with the violation marked', async () => {
    await page.goto(`${base}/ui/fleet?inViolation=true`);
    const table = page.getByRole('table', { name: 'Things' });
    await table.waitFor({ timeout: 30_000 });
    const row = table.locator('tbody tr', { has: page.getByRole('link', { name: target, exact: true }) });
    const cells = await row.locator('td').allTextContents();
    expect(cells[1]).toMatch(/^connected since /);
    expect(cells[2]).toMatch(/^\d{4}-\d\d-\d\d /);
    await until('the last report column', async () => /^\d{4}-\d\d-\d\d /.test((await row.locator('td').nth(3).textContent()) ?? ''), 30_000);
    expect(Number(cells[4])).toBeGreaterThan(0);
    await row.getByRole('link', { name: target, exact: true }).click();
    const chart = page.locator('section.panel[data-metric="aws:listening-tcp-ports"]');
    // The datapoints and the violation windows load apart: wait for both.
    await page.waitForFunction(() => Number(document.querySelector('section.panel[data-metric="aws:listening-tcp-ports"] figure.chart')?.getAttribute('data-windows') ?? 0) > 0, undefined, { timeout: 60_000 });
    const figure = chart.locator('figure.chart');
    expect(Number(await figure.getAttribute('data-windows'))).toBeGreaterThan(0);
    expect(Number(await figure.getAttribute('data-offending'))).toBeGreaterThan(0);
    expect(Number(await figure.getAttribute('data-points'))).toBeGreaterThan(Number(await figure.getAttribute('data-offending')));
    expect(await page.locator('section.panel[data-metric="aws:all-bytes-out"]').getAttribute('data-state')).not.toBe('error');
    const offending = await page.getByRole('list', { name: 'Listening TCP ports' }).locator('li.offending').allTextContents();
    expect(offending).toEqual(['21']);
    await page.screenshot({ path: join(SHOTS, 'posture-thing.png'), fullPage: true });
  });

  it('seeds 10,000 things and 2,000 violations; the violations list pages to the last one', async () => {
    const things = await seedThings(running.stores.registry, SEEDED_THINGS, 'zz-seeded');
    await seedThings(running.stores.registry, 1, LONG_NAME.slice(0, -6));
    // Older than the demo's violation, so the dashboard's story stays the compromised thing.
    const demoViolations = (await client.request<{ total: number }>('GET', '/api/v1/lists/active-violations?limit=1')).total;
    expect(demoViolations).toBeGreaterThan(0);
    const ids = await seedViolations(running.stores.registry, SEEDED_VIOLATIONS, things.slice(0, 40), Date.now() - 86_400_000);
    expect(ids[0]).toBe('seeded-00001');
    const total = SEEDED_VIOLATIONS + demoViolations;
    const n = (x: number): string => x.toLocaleString('en-US');
    await page.goto(`${base}/ui/detect`);
    const pager = page.getByRole('navigation', { name: 'active violations pages' });
    const status = pager.getByRole('status');
    await status.filter({ hasText: `of ${n(total)} active violations` }).waitFor({ timeout: 30_000 });
    expect(await status.textContent()).toBe(`1–100 of ${n(total)} active violations`);
    const table = page.getByRole('table', { name: 'Active violations' });
    // Newest first: the demo's violation, then the seeded ones (a day old).
    expect(await table.locator('tbody tr').first().locator('td').first().textContent()).toBe(target);
    await pager.getByRole('button', { name: 'Next page of active violations' }).click();
    await status.filter({ hasText: `101–200 of ${n(total)}` }).waitFor();
    await pager.getByRole('button', { name: 'Last page of active violations' }).click();
    const lastOffset = Math.floor((total - 1) / 100) * 100;
    await status.filter({ hasText: `${n(lastOffset + 1)}–${n(total)} of ${n(total)}` }).waitFor();
    expect(await table.locator('tbody tr').count()).toBe(total - lastOffset);
    // The last item is the oldest: the first seeded.
    expect(await table.locator('tbody tr').last().locator('td').nth(2).textContent()).toBe('SeededBehavior00001');
    // Keyboard: PageUp from a row goes back one page; its last item is number `lastOffset`, newest first.
    await table.getByRole('link').first().focus();
    await page.keyboard.press('PageUp');
    await status.filter({ hasText: `${n(lastOffset - 99)}–${n(lastOffset)} of ${n(total)}` }).waitFor();
    const seededNumber = SEEDED_VIOLATIONS - (lastOffset - 1 - demoViolations);
    expect(await table.locator('tbody tr').last().locator('td').nth(2).textContent()).toBe(`SeededBehavior${String(seededNumber).padStart(5, '0')}`);
    await page.screenshot({ path: join(SHOTS, 'posture-violations-last-page.png'), fullPage: true });
  });

  it('the things list pages through 10,000 seeded things to the last; a 128-character name stays on one line, whole in its title', async () => {
    await page.goto(`${base}/ui/fleet?q=zz-seeded`);
    const pager = page.getByRole('navigation', { name: 'things pages' });
    await pager.getByRole('status').filter({ hasText: 'of 10,000 things' }).waitFor({ timeout: 30_000 });
    await pager.getByLabel('per page').selectOption('1000');
    await pager.getByRole('status').filter({ hasText: '1–1,000 of 10,000 things' }).waitFor();
    await pager.getByRole('button', { name: 'Last page of things' }).click();
    await pager.getByRole('status').filter({ hasText: '9,001–10,000 of 10,000 things' }).waitFor();
    const table = page.getByRole('table', { name: 'Things' });
    // The pager's status can change a render before the rows: wait for the last page's last row.
    const lastRow = table.locator('tbody tr').last().locator('td').first();
    await lastRow.filter({ hasText: 'zz-seeded-10000' }).waitFor({ timeout: 10_000 }).catch(() => undefined);
    expect(await lastRow.textContent()).toBe('zz-seeded-10000');
    // Keyboard: ↓ moves between rows.
    await table.getByRole('link').first().focus();
    await page.keyboard.press('ArrowDown');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('zz-seeded-09002');

    const long = `${LONG_NAME.slice(0, -6)}-00001`;
    await page.getByLabel('Search things').fill('zz-long-');
    const link = page.getByRole('link', { name: long, exact: true });
    await link.waitFor({ timeout: 30_000 });
    expect(await link.getAttribute('title')).toBe(long);
    const box = await link.evaluate((el) => ({ width: el.clientWidth, full: el.scrollWidth, height: el.getBoundingClientRect().height, line: parseFloat(getComputedStyle(el).lineHeight) || 20 }));
    expect(box.full).toBeGreaterThan(box.width);
    expect(box.height).toBeLessThan(box.line * 1.5);
  });

  it('no page is wider than the viewport at 1280 and 1440 px', async () => {
    const paths = ['/search', '/dashboards', '/dashboards/posture', '/fleet', `/fleet/things/${encodeURIComponent(target)}`, '/fleet/certificates', '/fleet/policies', '/detect', '/alerts', `/alerts/${demo.alert ?? 'iot-new-listening-port'}`, '/audit', '/streams'];
    const wide: string[] = [];
    for (const width of [1280, 1440]) {
      await page.setViewportSize({ width, height: 900 });
      for (const path of paths) {
        await page.goto(`${base}/ui${path}`);
        await settled(page);
        const size = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, inner: innerWidth, height: document.documentElement.scrollHeight }));
        if (size.scroll > size.inner) wide.push(`${path} at ${width}: ${size.scroll} > ${size.inner}`);
      }
    }
    expect(wide).toEqual([]);
    await page.screenshot({ path: join(SHOTS, 'posture-streams-1280.png'), fullPage: true });
  });

  it('follows the system\'s dark theme', async () => {
    const background = async (scheme: 'light' | 'dark'): Promise<string> => {
      await page.emulateMedia({ colorScheme: scheme });
      return page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
    };
    await page.goto(`${base}/ui/dashboards/posture`);
    await settled(page);
    expect(await background('light')).toBe('rgb(246, 247, 249)');
    expect(await background('dark')).toBe('rgb(18, 22, 28)');
    await page.screenshot({ path: join(SHOTS, 'posture-dark.png'), fullPage: true });
  });
});
