import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { Telemetry, createLogger } from './index.js';

function capture(): { lines: () => Array<Record<string, unknown>>; stream: Writable } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk.toString('utf8'));
      callback();
    },
  });
  return { stream, lines: () => chunks.join('').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>) };
}

describe('Telemetry', () => {
  it('counts each event by labels and writes one log line per emit', () => {
    const out = capture();
    const telemetry = new Telemetry(createLogger({ level: 'debug', format: 'json', destination: out.stream }));
    telemetry.emit('api_auth_failed', { reason: 'auth.invalid_token' }, { ip: '127.0.0.1' });
    telemetry.emit('api_auth_failed', { reason: 'auth.invalid_token' });
    telemetry.emit('api_auth_failed', { reason: 'auth.signature_mismatch' });
    expect(telemetry.counter('api_auth_failed')).toBe(3);
    expect(telemetry.counter('api_auth_failed', { reason: 'auth.invalid_token' })).toBe(2);
    const lines = out.lines();
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatchObject({ event: 'api_auth_failed', reason: 'auth.invalid_token', ip: '127.0.0.1', level: 40 });
  });

  it('renders Prometheus text with HELP, TYPE, escaped labels and gauges', () => {
    const telemetry = new Telemetry(createLogger({ level: 'silent', format: 'json' }));
    telemetry.count('api_request', { method: 'GET', route: '/a"b', status: 200 }, 2);
    telemetry.setGauge('stream_outbox_bytes', {}, 12.5);
    const text = telemetry.renderPrometheus();
    expect(text).toContain('# TYPE vigil_api_request_total counter');
    expect(text).toContain('vigil_api_request_total{method="GET",route="/a\\"b",status="200"} 2');
    expect(text).toContain('# TYPE vigil_stream_outbox_bytes gauge\nvigil_stream_outbox_bytes 12.5');
  });

  it('children share counters and tag their lines with the component', () => {
    const out = capture();
    const telemetry = new Telemetry(createLogger({ level: 'info', format: 'json', destination: out.stream }));
    telemetry.child('api').emit('server_started', { component: 'api' });
    expect(telemetry.counter('server_started')).toBe(1);
    expect(out.lines()[0]).toMatchObject({ component: 'api', event: 'server_started' });
  });

  it('never writes secrets into log lines', () => {
    const out = capture();
    const telemetry = new Telemetry(createLogger({ level: 'info', format: 'json', destination: out.stream }));
    telemetry.emit('secret_created', { name: 'admin-token' }, { token: 'abc123', headers: { authorization: 'Bearer abc123' }, key: { secretAccessKey: 'shh' } });
    const raw = JSON.stringify(out.lines());
    expect(raw).not.toContain('abc123');
    expect(raw).not.toContain('shh');
    expect(raw).toContain('[redacted]');
  });
});
