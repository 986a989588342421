import { describe, expect, it } from 'vitest';
import { validateVigilConfig } from './load.js';
import { clusterConfigProblem } from './wire-cluster.js';

describe('cluster config', () => {
  it('is off by default and then asks nothing', () => {
    expect(clusterConfigProblem(validateVigilConfig({}).config)).toBeUndefined();
  });

  it('needs the registry in PostgreSQL', () => {
    const problem = clusterConfigProblem(validateVigilConfig({ cluster: { nats: { urls: ['nats://127.0.0.1:4222'] }, secret_key_file: 'k' } }).config);
    expect([problem?.code, problem?.message]).toEqual(['cluster.invalid_config', 'cluster mode needs the registry in PostgreSQL (store.registry.type: postgres); it is sqlite']);
  });

  it('needs a secret key file to seal the cluster CA', () => {
    const config = validateVigilConfig({ store: { registry: { type: 'postgres', url: 'postgres://x@127.0.0.1/v' } }, cluster: { nats: { urls: ['nats://127.0.0.1:4222'] } } }).config;
    expect(clusterConfigProblem(config)?.hint).toMatch(/chmod 600/);
  });
});
