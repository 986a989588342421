import { afterEach, describe, expect, it } from 'vitest';
import { hecTokenRepository, siemIndexRepository, type RegistryDb } from '../../src/store/index.js';
import type { HecToken } from '../../src/model/index.js';
import type { OpenRegistry } from './registry-suites.js';

const base: HecToken = {
  name: 'firehose',
  token: '11111111-2222-3333-4444-555555555555',
  description: 'the delivery stream',
  disabled: false,
  index: 'aws_hfb',
  indexes: ['aws_hfb', 'main'],
  sourcetype: 'aws-iot-device-defender',
  source: undefined,
  host: 'vigil',
  useAck: true,
  allowQueryStringAuth: false,
  createdAt: 1_700_000_000_000,
};

export function siemConformance(open: OpenRegistry): void {
  describe('SIEM repositories', () => {
    let registry: RegistryDb | undefined;
    afterEach(async () => {
      await registry?.close();
      registry = undefined;
    });

    it('stores a HEC token with every setting and finds it by value and by name', async () => {
      registry = await open();
      const tokens = hecTokenRepository(registry);
      await tokens.create(base);
      await tokens.create({ ...base, name: 'app', token: 'aaaaaaaa-2222-3333-4444-555555555555', indexes: [], sourcetype: undefined, useAck: false, allowQueryStringAuth: true, createdAt: base.createdAt + 1 });
      expect(await tokens.findByToken(base.token)).toEqual(base);
      expect(await tokens.findByName('app')).toMatchObject({ indexes: [], sourcetype: undefined, useAck: false, allowQueryStringAuth: true });
      expect(await tokens.findByToken('nope')).toBeUndefined();
      expect((await tokens.list()).map((t) => t.name)).toEqual(['firehose', 'app']);
    });

    it('disables and deletes tokens and refuses a duplicate token value', async () => {
      registry = await open();
      const tokens = hecTokenRepository(registry);
      await tokens.create(base);
      await expect(tokens.create({ ...base, name: 'other' })).rejects.toThrow();
      expect(await tokens.setDisabled('firehose', true)).toBe(true);
      expect((await tokens.findByName('firehose'))?.disabled).toBe(true);
      expect(await tokens.setDisabled('missing', true)).toBe(false);
      expect(await tokens.delete('firehose')).toBe(true);
      expect(await tokens.delete('firehose')).toBe(false);
    });

    it('stores, lists by name and deletes indexes', async () => {
      registry = await open();
      const indexes = siemIndexRepository(registry);
      await indexes.create({ name: 'main', retentionDays: 0, createdAt: 1 });
      await indexes.create({ name: 'aws_hfb', retentionDays: 30, createdAt: 2 });
      await expect(indexes.create({ name: 'main', retentionDays: 1, createdAt: 3 })).rejects.toThrow();
      expect(await indexes.find('aws_hfb')).toEqual({ name: 'aws_hfb', retentionDays: 30, createdAt: 2 });
      expect((await indexes.list()).map((i) => i.name)).toEqual(['aws_hfb', 'main']);
      expect(await indexes.delete('main')).toBe(true);
      expect(await indexes.find('main')).toBeUndefined();
    });
  });
}
