import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectionHistoryRepository } from '../../src/store/index.js';
import { seedThings, seedViolations } from '../support/seed-lists.js';
import { startTestVigil, type TestVigil } from '../support/vigil.js';

// The console's lists page through everything with a total: 10,000 things and 2,000 violations,
// seeded through the registry and detect stores, listed through the real HTTP API.
const THINGS = 10_000;
const VIOLATIONS = 2_000;

let vigil: TestVigil;
let things: string[];
let violationIds: string[];
const now = Date.now();

interface Page<T> { items: T[]; offset: number; limit: number; total: number }

async function get<T>(path: string): Promise<{ status: number; body: T }> {
  const response = await fetch(`${vigil.running.endpoints['api']}${path}`, { headers: { authorization: `Bearer ${vigil.adminToken}` } });
  return { status: response.status, body: (await response.json()) as T };
}

beforeAll(async () => {
  vigil = await startTestVigil({ log: { level: 'warn' } });
  things = await seedThings(vigil.running.stores.registry, THINGS, 'fleet', (i) => ({ site: i % 2 === 0 ? 'north' : 'south' }));
  // Violations on the first 40 things: 50 each.
  violationIds = await seedViolations(vigil.running.stores.registry, VIOLATIONS, things.slice(0, 40), now);
}, 120_000);
afterAll(async () => {
  await vigil?.stop();
});

describe('GET /api/v1/lists/*: offset pages with the total the filters match', () => {
  it('things: 10,000 registered, 100 a page by default, the last page holds the last thing', async () => {
    const first = await get<Page<{ thingName: string; openViolations: number; connection: { state: string } }>>('/api/v1/lists/things');
    expect(first.status).toBe(200);
    expect(first.body.total).toBe(THINGS);
    expect(first.body.items).toHaveLength(100);
    expect(first.body.items[0]?.thingName).toBe('fleet-00001');
    expect(first.body.items[0]?.openViolations).toBe(VIOLATIONS / 40);
    expect(first.body.items[0]?.connection.state).toBe('NEVER');
    const last = await get<Page<{ thingName: string; openViolations: number }>>('/api/v1/lists/things?offset=9900&limit=100');
    expect(last.body.total).toBe(THINGS);
    expect(last.body.items).toHaveLength(100);
    expect(last.body.items.at(-1)?.thingName).toBe('fleet-10000');
    expect(last.body.items.at(-1)?.openViolations).toBe(0);
    const past = await get<Page<unknown>>('/api/v1/lists/things?offset=10000');
    expect(past.body).toMatchObject({ total: THINGS, items: [] });
  });

  it('things: filters count what they keep (name or attribute text, in violation), and sort=violations puts the newest violation first', async () => {
    const north = await get<Page<{ thingName: string }>>('/api/v1/lists/things?q=site%3Dnorth&limit=1000');
    expect(north.body.total).toBe(THINGS / 2);
    expect(north.body.items.every((t) => Number(t.thingName.slice(-5)) % 2 === 0)).toBe(true);
    const named = await get<Page<{ thingName: string }>>('/api/v1/lists/things?q=FLEET-0999');
    expect(named.body.total).toBe(10); // fleet-09990 … fleet-09999
    const violating = await get<Page<{ thingName: string }>>('/api/v1/lists/things?inViolation=true&limit=1000');
    expect(violating.body.total).toBe(40);
    const quiet = await get<Page<{ thingName: string }>>('/api/v1/lists/things?inViolation=false&limit=1');
    expect(quiet.body.total).toBe(THINGS - 40);
    // The newest violation (the last seeded) is on things[(2000-1) % 40] = fleet-00040.
    const sorted = await get<Page<{ thingName: string; lastViolationTime?: number }>>('/api/v1/lists/things?sort=violations&limit=3');
    expect(sorted.body.items.map((t) => t.thingName)).toEqual(['fleet-00040', 'fleet-00039', 'fleet-00038']);
    expect(sorted.body.items[0]?.lastViolationTime).toBe(now);
    const never = await get<Page<unknown>>('/api/v1/lists/things?connection=CONNECTED');
    expect(never.body.total).toBe(0);
  });

  it('active violations: 2,000, newest first, the last page ends with the oldest', async () => {
    const first = await get<Page<{ violationId: string }>>('/api/v1/lists/active-violations?limit=100');
    expect(first.body.total).toBe(VIOLATIONS);
    expect(first.body.items[0]?.violationId).toBe(violationIds.at(-1));
    const last = await get<Page<{ violationId: string }>>('/api/v1/lists/active-violations?limit=100&offset=1900');
    expect(last.body.items).toHaveLength(100);
    expect(last.body.items.at(-1)?.violationId).toBe(violationIds[0]);
    const one = await get<Page<{ thingName: string }>>('/api/v1/lists/active-violations?thingName=fleet-00002&limit=1000');
    expect(one.body.total).toBe(VIOLATIONS / 40);
    expect(new Set(one.body.items.map((v) => v.thingName))).toEqual(new Set(['fleet-00002']));
    const text = await get<Page<unknown>>('/api/v1/lists/active-violations?q=seededbehavior0200');
    expect(text.body.total).toBe(1);
  });

  it('violation events: 2,000 in the last 30 days, paged to the last', async () => {
    const last = await get<Page<{ violationId: string; violationEventType: string }>>('/api/v1/lists/violation-events?limit=1000&offset=1000');
    expect(last.body.total).toBe(VIOLATIONS);
    expect(last.body.items).toHaveLength(1000);
    expect(last.body.items.at(-1)?.violationId).toBe(violationIds[0]);
    expect(last.body.items.at(-1)?.violationEventType).toBe('in-alarm');
  });

  it('thing groups, audit tasks and findings answer the same page shape', async () => {
    for (let i = 0; i < 3; i++) await vigil.client.request('POST', `/thing-groups/group-${i}`, {});
    const groups = await get<Page<{ groupName: string }>>('/api/v1/lists/thing-groups?limit=2&offset=2');
    expect(groups.body).toMatchObject({ total: 3, offset: 2, limit: 2 });
    expect(groups.body.items.map((g) => g.groupName)).toEqual(['group-2']);
    const tasks = await get<Page<unknown>>('/api/v1/lists/audit-tasks');
    expect(tasks.body).toEqual({ items: [], offset: 0, limit: 100, total: 0 });
    const findings = await get<Page<unknown>>('/api/v1/lists/audit-findings?severity=HIGH');
    expect(findings.body).toEqual({ items: [], offset: 0, limit: 100, total: 0 });
  });

  it('things: connection state from the connection history (connected, disconnected with its reason and last seen, never), and the connection filter counts it', async () => {
    const history = connectionHistoryRepository(vigil.running.stores.registry);
    await history.opened({ connectionId: 'c-1', clientId: 'fleet-00003', certificateId: 'cert-3', thingName: 'fleet-00003', connectedAt: now - 60_000 });
    await history.opened({ connectionId: 'c-2', clientId: 'fleet-00004', certificateId: 'cert-4', thingName: 'fleet-00004', connectedAt: now - 120_000 });
    await history.closed('c-2', now - 30_000, 'MQTT_KEEP_ALIVE_TIMEOUT');
    type Item = { thingName: string; connection: { state: string; connectedAt?: number; disconnectedAt?: number; disconnectReason?: string; lastSeen?: number } };
    const page = await get<Page<Item>>('/api/v1/lists/things?limit=5');
    const byName = new Map(page.body.items.map((t) => [t.thingName, t.connection]));
    expect(byName.get('fleet-00003')).toMatchObject({ state: 'CONNECTED', connectedAt: now - 60_000 });
    expect(byName.get('fleet-00003')?.lastSeen).toBeGreaterThanOrEqual(now);
    expect(byName.get('fleet-00004')).toEqual({ state: 'DISCONNECTED', connectedAt: now - 120_000, disconnectedAt: now - 30_000, disconnectReason: 'MQTT_KEEP_ALIVE_TIMEOUT', lastSeen: now - 30_000 });
    expect(byName.get('fleet-00005')).toEqual({ state: 'NEVER' });
    const connected = await get<Page<Item>>('/api/v1/lists/things?connection=CONNECTED');
    expect(connected.body.total).toBe(1);
    expect(connected.body.items.map((t) => t.thingName)).toEqual(['fleet-00003']);
    const disconnected = await get<Page<Item>>('/api/v1/lists/things?connection=DISCONNECTED');
    expect(disconnected.body.items.map((t) => t.thingName)).toEqual(['fleet-00004']);
    const never = await get<Page<Item>>('/api/v1/lists/things?connection=NEVER&limit=1');
    expect(never.body.total).toBe(THINGS - 2);
  });

  it('rejects a bad page with a 400 naming the parameter', async () => {
    for (const query of ['limit=0', 'limit=1001', 'offset=-1', 'limit=ten', 'sort=size', 'connection=MAYBE', 'bogus=1']) {
      const answer = await get<{ code: string; message: string }>(`/api/v1/lists/things?${query}`);
      expect(answer.status, query).toBe(400);
      expect(answer.body.message, query).toMatch(new RegExp(query.split('=')[0] as string));
    }
    const severity = await get<{ code: string; message: string }>('/api/v1/lists/audit-findings?severity=SEVERE');
    expect(severity.status).toBe(400);
  });
});
