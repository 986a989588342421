import { afterEach, describe, expect, it } from 'vitest';
import { connectionHistoryRepository, type RegistryDb } from '../../src/store/index.js';
import type { OpenRegistry } from './registry-suites.js';

const base = { certificateId: 'c'.repeat(64), sourceIp: '10.0.0.7' };

export function connectionHistoryConformance(open: OpenRegistry): void {
  describe('connection history repository', () => {
    let registry: RegistryDb | undefined;
    afterEach(async () => {
      await registry?.close();
      registry = undefined;
    });

    it('records a connection, closes it once with its reason, and lists newest first with paging', async () => {
      registry = await open();
      const history = connectionHistoryRepository(registry);
      await history.opened({ ...base, connectionId: 'a', clientId: 'thing-1', thingName: 'thing-1', connectedAt: 1000 });
      await history.opened({ ...base, connectionId: 'b', clientId: 'thing-1', thingName: 'thing-1', connectedAt: 2000 });
      await history.opened({ connectionId: 'c', clientId: 'stray', certificateId: base.certificateId, connectedAt: 3000 });
      await history.closed('a', 2000, 'DUPLICATE_CLIENTID');
      await history.closed('a', 9999, 'CONNECTION_LOST');

      const first = await history.list({ limit: 2 });
      expect(first.items.map((e) => e.connectionId)).toEqual(['c', 'b']);
      expect(first.items[0]).toEqual({ connectionId: 'c', clientId: 'stray', thingName: undefined, certificateId: base.certificateId, sourceIp: undefined, connectedAt: 3000, disconnectedAt: undefined, disconnectReason: undefined });
      const second = await history.list({ limit: 2, cursor: first.next });
      expect(second.next).toBeUndefined();
      expect(second.items).toEqual([{ ...base, connectionId: 'a', clientId: 'thing-1', thingName: 'thing-1', connectedAt: 1000, disconnectedAt: 2000, disconnectReason: 'DUPLICATE_CLIENTID' }]);
      expect((await history.list({ limit: 10, clientId: 'thing-1' })).items.map((e) => e.connectionId)).toEqual(['b', 'a']);
      expect((await history.list({ limit: 10, thingName: 'thing-1' })).items).toHaveLength(2);
    });

    it('lists connections open at any time in a window, and expires ended ones', async () => {
      registry = await open();
      const history = connectionHistoryRepository(registry);
      await history.opened({ ...base, connectionId: 'old', clientId: 'x', connectedAt: 100 });
      await history.closed('old', 200, 'CLIENT_INITIATED_DISCONNECT');
      await history.opened({ ...base, connectionId: 'long', clientId: 'y', connectedAt: 150 });
      await history.opened({ ...base, connectionId: 'late', clientId: 'z', connectedAt: 900 });
      expect((await history.listConnections(300, 800)).map((r) => r.clientId)).toEqual(['y']);
      expect((await history.listConnections(0, 1000)).map((r) => r.clientId)).toEqual(['x', 'y', 'z']);
      expect(await history.expire(201)).toBe(1);
      expect(await history.closeAllOpen(1000, 'SERVER_SHUTDOWN')).toBe(2);
      expect((await history.list({ limit: 10 })).items.every((e) => e.disconnectReason === 'SERVER_SHUTDOWN')).toBe(true);
    });

    it('names each thing with no open connection and the end of its latest one (disconnect-duration after a restart)', async () => {
      registry = await open();
      const history = connectionHistoryRepository(registry);
      await history.opened({ ...base, connectionId: 'a1', clientId: 'a', thingName: 'a', connectedAt: 100 });
      await history.closed('a1', 200, 'CONNECTION_LOST');
      await history.opened({ ...base, connectionId: 'a2', clientId: 'a', thingName: 'a', connectedAt: 300 });
      await history.closed('a2', 400, 'CLIENT_INITIATED_DISCONNECT');
      await history.opened({ ...base, connectionId: 'b1', clientId: 'b', thingName: 'b', connectedAt: 100 });
      await history.closed('b1', 200, 'CONNECTION_LOST');
      await history.opened({ ...base, connectionId: 'b2', clientId: 'b', thingName: 'b', connectedAt: 300 });
      await history.opened({ ...base, connectionId: 's1', clientId: 'stray', connectedAt: 100 });
      await history.closed('s1', 150, 'CONNECTION_LOST');
      expect(await history.lastDisconnects()).toEqual([{ thingName: 'a', disconnectedAt: 400 }]);
    });
  });
}
