import type { SiemEvent } from '../../src/model/index.js';

/** 2026-01-01T00:00:00Z: the first report round of the demo corpus. */
export const T0 = Date.UTC(2026, 0, 1) / 1000;
/** The searches' "now": one hour after T0. */
export const NOW_MS = (T0 + 3600) * 1000;

export const INDEX = 'aws_hfb';
export const SOURCETYPE = 'aws-iot-device-defender';
const THINGS = ['thing-a', 'thing-b', 'thing-c'] as const;

function metric(thing: string, name: string, value: Record<string, unknown>, at: number): SiemEvent {
  return {
    time: at * 1000,
    index: INDEX,
    sourcetype: SOURCETYPE,
    source: 'http:firehose',
    host: 'vigil',
    raw: JSON.stringify({ name, thing, value, version: '1.0', timestamp: at * 1000 }),
  };
}

/**
 * The demo (reference-pipeline.md §8) as stored events: three things export metrics every 300 s for
 * six rounds (thing-b 5 s and thing-c 10 s after thing-a); from round 3 thing-b runs an FTP server,
 * so its listening TCP ports go from [22, 80] to [21, 22, 80]. One audit run adds two audit detail
 * events. Index `main` holds plain-text and key=value events for the term and field tests.
 */
export function demoCorpus(): SiemEvent[] {
  const events: SiemEvent[] = [];
  for (let round = 0; round < 6; round++) {
    THINGS.forEach((thing, i) => {
      const at = T0 + round * 300 + i * 5;
      const ftp = thing === 'thing-b' && round >= 3;
      const tcp = thing === 'thing-c' ? [22, 443, 8883] : ftp ? [21, 22, 80] : [22, 80];
      events.push(metric(thing, 'aws:num-listening-tcp-ports', { count: tcp.length }, at));
      events.push(metric(thing, 'aws:listening-tcp-ports', { ports: tcp }, at));
      events.push(metric(thing, 'aws:num-listening-udp-ports', { count: 1 }, at));
      events.push(metric(thing, 'aws:listening-udp-ports', { ports: [68] }, at));
      events.push(metric(thing, 'aws:all-bytes-out', { count: 1000 * (i + 1) + round * 10 + (ftp ? 50_000 : 0) }, at));
    });
  }
  const audit = T0 + 1200;
  const detail = (checkName: string, status: string, nonCompliant: number, total: number): SiemEvent => ({
    time: audit * 1000,
    index: INDEX,
    sourcetype: SOURCETYPE,
    source: 'http:firehose',
    host: 'vigil',
    raw: JSON.stringify({ checkName, checkRunStatus: status, nonCompliantResourcesCount: nonCompliant, totalResourcesCount: total, suppressedNonCompliantResourcesCount: 0 }),
  });
  events.push(detail('LOGGING_DISABLED_CHECK', 'COMPLETED_NON_COMPLIANT', 1, 1));
  events.push(detail('DEVICE_CERTIFICATE_EXPIRING_CHECK', 'COMPLETED_COMPLIANT', 0, 3));

  const text = (offset: number, host: string, sourcetype: string, raw: string, fields?: Record<string, string | string[]>): SiemEvent => ({
    time: (T0 + offset) * 1000,
    index: 'main',
    sourcetype,
    source: `/var/log/${sourcetype}`,
    host,
    raw,
    ...(fields === undefined ? {} : { fields }),
  });
  events.push(text(100, 'web1', 'syslog', 'sshd[311]: Failed password for root from 10.0.0.5 port 22 ssh2'));
  events.push(text(200, 'web1', 'syslog', 'sshd[312]: Accepted password for admin from 192.168.1.10 port 22 ssh2'));
  events.push(text(300, 'web2', 'syslog', 'kernel: error: disk full on /dev/sda1'));
  events.push(text(400, 'web2', 'syslog', 'app: Errors detected in module billing'));
  events.push(text(500, 'web1', 'app', 'user=admin action=login status=success src=192.168.1.10 bytes=512'));
  events.push(text(600, 'web2', 'app', 'user=bob action=login status=failure src=10.0.0.7 bytes=128', { env: 'prod' }));
  events.push(text(700, 'web2', 'app', 'user=carol action=logout status=success src=10.0.0.9 bytes=64', { env: 'dev' }));
  events.push(text(800, 'db1', 'app', JSON.stringify({ user: 'dave', action: 'query', tags: ['sql', 'slow'], items: [{ name: 'x', qty: 2 }, { name: 'y', qty: 5 }], latency_ms: 950 })));
  events.push(text(900, 'db1', 'app', JSON.stringify({ user: 'Eve', action: 'query', tags: ['sql'], items: [{ name: 'z', qty: 1 }], latency_ms: 40 })));
  return events;
}
