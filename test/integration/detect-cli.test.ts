import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { MetricReport } from '../../src/protocol/index.js';
import { cliTestServer, runCli } from '../support/cli.js';

const server = cliTestServer('vigil-profile-');
const vigilCli = server.cli;

describe('vigil profile and vigil violations', () => {
  it('validates, creates, lists, describes, updates and attaches a profile from YAML; lists violations and events', async () => {
    const file = join(server.home, 'ports.yaml');
    writeFileSync(file, ['securityProfileName: ports', 'behaviors:', '  - name: tcp', "    metric: 'aws:num-listening-tcp-ports'", '    criteria: { comparisonOperator: less-than-equals, value: { count: 3 } }', ''].join('\n'));
    const bad = join(server.home, 'bad.json');
    writeFileSync(bad, JSON.stringify({ behaviors: [{ name: 'x', metric: 'aws:listening-tcp-ports', criteria: { comparisonOperator: 'less-than', value: { count: 1 } } }] }));

    expect(await vigilCli('profile', 'validate', '-f', file)).toMatchObject({ code: 0, out: 'valid\n' });
    const invalid = await vigilCli('profile', 'validate', '-f', bad);
    expect(invalid.code).not.toBe(0);
    expect(invalid.out).toContain('operator less-than does not fit');
    expect((await vigilCli('profile', 'create', '-f', file)).out).toContain('created security profile ports (arn:aws:iot:local:000000000000:securityprofile/ports)');
    expect((await vigilCli('profile', 'list')).out).toContain('ports');
    expect(JSON.parse((await vigilCli('profile', 'describe', 'ports')).out)).toMatchObject({ securityProfileName: 'ports', version: 1 });
    expect((await vigilCli('profile', 'update', 'ports', '-f', file, '--expected-version', '1')).out).toContain('to version 2');
    expect((await vigilCli('profile', 'update', 'ports', '-f', file, '--expected-version', '1')).code).not.toBe(0);
    expect((await vigilCli('profile', 'attach', 'ports', 'all/things')).out).toContain('attached ports to arn:aws:iot:local:000000000000:all/things');

    const report: MetricReport = { header: { reportId: 1, version: '1.0' }, metrics: { listeningTcpPorts: { total: 5 } } };
    server.vigil.running.detect.engine.device({ thingName: 'dev-1', timestamp: Date.now(), reportId: 1, report, clientId: 'dev-1' });
    await server.vigil.running.detect.idle();
    const listed = await vigilCli('violations', 'list', '--json');
    const active = (JSON.parse(listed.out) as { activeViolations: Array<{ thingName: string; lastViolationValue: unknown }> }).activeViolations;
    expect(active.map((v) => [v.thingName, v.lastViolationValue])).toEqual([['dev-1', { count: 5 }]]);
    const events = await vigilCli('violations', 'events', '--thing', 'dev-1');
    expect(events.out).toMatch(/in-alarm\s+dev-1\s+ports\s+tcp/);
  });

  it('builds a target ARN in the configured region and account, not a fixed one', async () => {
    const file = join(server.home, 'quiet.yaml');
    writeFileSync(file, ['securityProfileName: quiet', 'behaviors: []', ''].join('\n'));
    expect((await vigilCli('profile', 'create', '-f', file)).code).toBe(0);
    const configured = await runCli(['profile', 'attach', 'quiet', 'all/registered-things', '--server', server.vigil.running.endpoints['api'] as string, '--token', server.vigil.adminToken], { HOME: server.home, VIGIL_REGION: 'eu-west-1', VIGIL_ACCOUNT_ID: '123456789012' });
    expect(configured).toMatchObject({ code: 0, stdout: 'attached quiet to arn:aws:iot:eu-west-1:123456789012:all/registered-things\n' });
  });
});
