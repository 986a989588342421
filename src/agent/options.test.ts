import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { addAgentOptions, agentOptionsFrom } from './options.js';

const parse = (args: string[]) => agentOptionsFrom(addAgentOptions(new Command('t')).exitOverride().parse(args, { from: 'user' }).opts());
const tls = ['--cert', 'c.pem', '--key', 'k.pem', '--ca', 'ca.pem'];

describe('agent options', () => {
  it('defaults: JSON, long keys, 300 s', () => {
    const result = parse(['--endpoint', 'mqtts://broker:8883', '--thing-name', 'dev-1', ...tls]);
    expect(result.ok && [result.value.format, result.value.keys, result.value.intervalSecs, result.value.once, result.value.print]).toEqual(['json', 'long', 300, false, false]);
  });

  it('refuses an interval below 300 s unless --allow-short-interval', () => {
    const base = ['--endpoint', 'mqtts://broker:8883', '--thing-name', 'dev-1', ...tls, '--interval', '5'];
    const refused = parse(base);
    expect(!refused.ok && refused.error.hint).toContain('--allow-short-interval');
    const allowed = parse([...base, '--allow-short-interval']);
    expect(allowed.ok && allowed.value.intervalSecs).toBe(5);
  });

  it('requires mqtts://, a thing name and the TLS files to connect, but not for --print', () => {
    expect(parse(['--endpoint', 'mqtt://broker:1883', '--thing-name', 'd', ...tls]).ok).toBe(false);
    expect(parse(['--endpoint', 'mqtts://broker:8883', ...tls]).ok).toBe(false);
    expect(parse(['--endpoint', 'mqtts://broker:8883', '--thing-name', 'd', '--cert', 'c']).ok).toBe(false);
    expect(parse(['--thing-name', 'bad/name', '--print']).ok).toBe(false);
    expect(parse(['--print', '--keys', 'short']).ok).toBe(true);
  });
});
