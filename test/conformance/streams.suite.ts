import { afterEach, describe, expect, it } from 'vitest';
import type { StreamDefinition } from '../../src/model/index.js';
import { streamRepository, type RegistryDb } from '../../src/store/index.js';
import type { OpenRegistry } from './registry-suites.js';

function definition(name: string, version = 1): StreamDefinition {
  return {
    name,
    version,
    createdAt: 1_700_000_000_000,
    updatedAt: 1_700_000_000_000 + version,
    sink: { type: 'splunk-hec', endpoint: 'https://hec.example:8088', endpointType: 'Event', token: 't', ackTimeoutSecs: 180 },
    buffering: { sizeBytes: 5 * 1024 * 1024, intervalSecs: 60 },
    retryDurationSecs: 3600,
    processors: [{ type: 'split-device-defender', parameters: { sourcetype: 'aws-iot-device-defender' } }],
    backup: { mode: 'FailedEventsOnly', prefix: '', errorOutputPrefix: '' },
  };
}

export function streamConformance(open: OpenRegistry): void {
  describe('stream repository', () => {
    let registry: RegistryDb | undefined;
    afterEach(async () => {
      await registry?.close();
      registry = undefined;
    });

    it('creates, reads back exactly, lists by name and deletes stream definitions', async () => {
      registry = await open();
      const streams = streamRepository(registry);
      expect(await streams.create(definition('siem'))).toBe(true);
      expect(await streams.create(definition('archive'))).toBe(true);
      expect(await streams.get('siem')).toEqual(definition('siem'));
      expect(await streams.get('missing')).toBeUndefined();
      expect((await streams.list()).map((s) => s.name)).toEqual(['archive', 'siem']);
      expect(await streams.delete('siem')).toBe(true);
      expect(await streams.delete('siem')).toBe(false);
      expect((await streams.list()).map((s) => s.name)).toEqual(['archive']);
    });

    it('refuses a second stream with the same name without changing the first', async () => {
      registry = await open();
      const streams = streamRepository(registry);
      expect(await streams.create(definition('siem'))).toBe(true);
      expect(await streams.create({ ...definition('siem'), retryDurationSecs: 1 })).toBe(false);
      expect((await streams.get('siem'))?.retryDurationSecs).toBe(3600);
    });

    it('updates only from the expected version (optimistic concurrency)', async () => {
      registry = await open();
      const streams = streamRepository(registry);
      await streams.create(definition('siem'));
      const next = { ...definition('siem', 2), retryDurationSecs: 60 };
      expect(await streams.update(next, 1)).toBe(true);
      expect(await streams.update({ ...definition('siem', 3), retryDurationSecs: 5 }, 1)).toBe(false);
      expect(await streams.get('siem')).toEqual(next);
      expect(await streams.update(definition('missing', 2), 1)).toBe(false);
    });
  });
}
