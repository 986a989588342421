import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestVigil, type TestVigil } from '../support/vigil.js';

const CHROMIUM = process.env['VIGIL_CHROMIUM'] ?? '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const SHOTS = 'test-results';
const THINGS = ['thing-1', 'thing-2', 'thing-3'];
const COMPROMISED = 'thing-3';
const INDEX = 'aws_hfb';
const SOURCETYPE = 'aws-iot-device-defender';

let vigil: TestVigil;
let browser: Browser;
let page: Page;
let ui: string;

/** What the reference pipeline's transform writes to HEC: one event per exported metric, one per audit detail. */
async function seed(): Promise<void> {
  const api = vigil.client;
  await api.request('POST', '/api/v1/indexes', { name: INDEX });
  for (const thing of THINGS) await api.request('POST', `/things/${thing}`, { attributePayload: { attributes: { site: 'plant-a' } } });
  const hecToken = readFileSync(join(vigil.dataDir, 'secrets', 'hec-token'), 'utf8').trim();
  const start = Math.floor(Date.now() / 1000) - 3600;
  const envelopes: string[] = [];
  for (let i = 0; i < 12; i++) {
    const time = start + i * 300;
    for (const [n, thing] of THINGS.entries()) {
      const compromised = thing === COMPROMISED && i >= 6;
      const ports = compromised ? [21, 22, 80] : [22, 80];
      const metric = (name: string, value: unknown): string => JSON.stringify({ time, index: INDEX, sourcetype: SOURCETYPE, host: 'vigil', event: { name, thing, value, version: '1.0', timestamp: time * 1000 } });
      envelopes.push(metric('aws:num-listening-tcp-ports', { count: ports.length }), metric('aws:listening-tcp-ports', { ports }), metric('aws:all-bytes-out', { count: 1000 * (n + 1) + i * (compromised ? 5000 : 10) }), metric('aws:all-packets-out', { count: 10 * (n + 1) + i }), metric('aws:num-authorization-failures', { count: thing === COMPROMISED ? i % 3 : 0 }));
    }
  }
  envelopes.push(JSON.stringify({ time: start + 3000, index: INDEX, sourcetype: SOURCETYPE, host: 'vigil', event: { checkName: 'DEVICE_CERTIFICATE_SHARED_CHECK', checkRunStatus: 'COMPLETED_NON_COMPLIANT', nonCompliantResourcesCount: 1, totalResourcesCount: 3 } }));
  envelopes.push(JSON.stringify({ time: start + 3000, index: INDEX, sourcetype: SOURCETYPE, host: 'vigil', event: { checkName: 'IOT_POLICY_OVERLY_PERMISSIVE_CHECK', checkRunStatus: 'COMPLETED_NON_COMPLIANT', nonCompliantResourcesCount: 1, totalResourcesCount: 2 } }));
  const hec = await fetch(`${vigil.running.endpoints['hec']}/services/collector/event`, { method: 'POST', headers: { authorization: `Splunk ${hecToken}` }, body: envelopes.join('') });
  expect(await hec.json()).toEqual({ text: 'Success', code: 0 });
  // The reference pipeline's delivery stream (its health is a posture panel); events below go straight to HEC.
  await api.request('POST', '/api/v1/streams', { name: 'siem', sink: { type: 'splunk-hec', endpoint: vigil.running.endpoints['hec'], token: hecToken, endpointType: 'Event', ack: false }, processors: [{ type: 'split-device-defender', parameters: { sourcetype: SOURCETYPE, index: INDEX } }] });
  await api.request('PATCH', '/audit/configuration', { auditCheckConfigurations: { IOT_POLICY_OVERLY_PERMISSIVE_CHECK: { enabled: true }, DEVICE_CERTIFICATE_SHARED_CHECK: { enabled: true } } });
  // An overly permissive policy gives the audit something to find.
  await api.request('POST', '/policies/wide-open', { policyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iot:*', Resource: '*' }] }) });
}

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: join(SHOTS, `console-${name}.png`), fullPage: true });
}

async function panelsSettled(): Promise<void> {
  await page.waitForFunction(() => document.querySelectorAll('.panel').length > 0 && [...document.querySelectorAll('.panel')].every((p) => p.getAttribute('data-state') !== 'loading'), undefined, { timeout: 60_000 });
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
  if (!existsSync('dist/web/index.html')) execFileSync('npx', ['vite', 'build', '--config', 'web/vite.config.ts'], { stdio: 'inherit' });
  mkdirSync(SHOTS, { recursive: true });
  vigil = await startTestVigil();
  await seed();
  ui = `${vigil.running.endpoints['api']}/ui/`;
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
  page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
});
afterAll(async () => {
  await browser?.close();
  await vigil?.stop();
});

describe('the Vigil console in Chromium', () => {
  it('signs in with the API token and gets an httpOnly session cookie', async () => {
    await page.goto(ui);
    await page.getByLabel('API token').waitFor();
    await shot('sign-in');
    await page.getByLabel('API token').fill('wrong-token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').waitFor();
    await page.getByLabel('API token').fill(vigil.adminToken);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByLabel('SPL query').waitFor();
    const cookies = await page.context().cookies();
    const session = cookies.find((c) => c.name === 'vigil_session');
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
    expect(await page.evaluate(() => document.cookie)).toBe('');
  });

  it('runs reference query 2: one series per thing, and a step for the compromised thing', async () => {
    const query = `index="${INDEX}" sourcetype="${SOURCETYPE}" | spath name | search name="aws:num-listening-tcp-ports" | chart max(value.count) as tcp_count over _time by thing`;
    await page.getByLabel('SPL query').fill(query);
    await page.getByLabel('SPL query').press('Control+Enter');
    const chart = page.locator('figure.chart');
    await chart.waitFor({ timeout: 60_000 });
    expect(await chart.getAttribute('data-series')).toBe(THINGS.join(','));
    expect(await page.locator('figure.chart canvas').count()).toBeGreaterThan(0);
    const values = await page.locator('figure.chart table tbody tr').evaluateAll((rows) => rows.map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent ?? '')));
    const column = (i: number): number[] => values.map((r) => Number(r[i])).filter((v) => !Number.isNaN(v) && v > 0);
    expect(new Set(column(0))).toEqual(new Set([2]));
    expect(new Set(column(1))).toEqual(new Set([2]));
    const compromised = column(2);
    expect(compromised[0]).toBe(2);
    expect(compromised.at(-1)).toBe(3);
    expect(page.url()).toContain('q=');
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

  it('opens the posture dashboard: every panel renders, and the compromised thing shows port 21', async () => {
    await page.getByRole('link', { name: 'Dashboards' }).click();
    await page.getByRole('link', { name: 'Fleet security posture' }).click();
    await page.getByLabel('Thing', { exact: true }).selectOption(COMPROMISED);
    await page.locator(`#panel-open-ports-on-${COMPROMISED}`).waitFor();
    await panelsSettled();
    // Live updates may re-load a panel; give every panel the chance to finish before reading states.
    await page.waitForFunction(() => [...document.querySelectorAll('.panel')].every((p) => p.getAttribute('data-state') === 'data'), undefined, { timeout: 20_000 }).catch(() => undefined);
    const states = await page.locator('.panel').evaluateAll((panels) => panels.map((p) => [p.querySelector('h2')?.textContent ?? '', p.getAttribute('data-state')]));
    expect(states.length).toBe(9);
    for (const [title, state] of states) expect({ title, state }).toEqual({ title, state: 'data' });
    const ports = page.locator('section.panel', { has: page.locator(`#panel-open-ports-on-${COMPROMISED}`) }).locator('figure.chart');
    expect((await ports.getAttribute('data-series'))?.split(',')).toEqual(['21', '22', '80']);
    await shot('dashboard-posture');
  });

  it('shows the fleet and the compromised thing with port 21 open', async () => {
    await page.getByRole('link', { name: 'Fleet' }).click();
    await page.getByLabel('Search things').fill('thing-3');
    await page.getByRole('link', { name: COMPROMISED }).click();
    await page.getByRole('list', { name: 'Listening TCP ports' }).waitFor({ timeout: 30_000 });
    expect(await page.getByRole('list', { name: 'Listening TCP ports' }).locator('li').allTextContents()).toEqual(['21', '22', '80']);
    await shot('fleet-thing');
    await page.getByRole('link', { name: '← Things' }).click();
    await page.getByRole('table', { name: 'Things' }).waitFor();
    await shot('fleet-things');
  });

  it('runs an audit and suppresses a finding', async () => {
    await page.getByRole('link', { name: 'Audit' }).click();
    await page.getByRole('button', { name: 'Run audit now' }).click();
    await page.getByText(/audit task .* started/).waitFor();
    const suppress = page.getByRole('button', { name: /^Suppress / }).first();
    for (let i = 0; i < 30 && (await suppress.count()) === 0; i++) {
      await page.waitForTimeout(1000);
      await page.getByRole('link', { name: 'Detect' }).click();
      await page.getByRole('link', { name: 'Audit' }).click();
    }
    const before = await page.getByRole('button', { name: /^Suppress / }).count();
    expect(before).toBeGreaterThan(0);
    await suppress.click();
    await page.getByText(/^suppressed /).waitFor();
    await page.waitForFunction((n) => document.querySelectorAll('button[aria-label^="Suppress "]').length === n - 1, before);
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

  it('signs out: the session no longer authenticates', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('API token').waitFor();
    const status = await page.evaluate(async () => (await fetch('/api/v1/dashboards')).status);
    expect(status).toBe(401);
    await shot('signed-out');
  });
});
