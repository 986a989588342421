/**
 * The analyst workload: a fleet-security corpus (Device Defender metrics, broker and auth logs,
 * audit findings) and 108 searches of the kinds SOC analysts run over it — stats/eval/where/rex/
 * lookup / join / transaction mixes, 27 shapes with 4 parameter sets each. `npm run bench -- analyst` times them over
 * 1 M events; `test/spl/analyst-queries.test.ts` runs every one over a small corpus.
 */
import type { SiemEvent } from '../../src/model/index.js';
import { seededRandom } from '../../src/core/index.js';

export const THING_COUNT = 200;
const SITES = ['plant-north', 'plant-south', 'warehouse', 'office'] as const;
const MODELS = ['camera', 'gateway', 'thermostat', 'sensor'] as const;
const METRICS = ['aws:all-bytes-out', 'aws:all-packets-out', 'aws:num-authorization-failures', 'aws:num-connects', 'aws:num-listening-tcp-ports', 'aws:listening-tcp-ports', 'aws:source-ip-address'] as const;
const CHECKS = ['DEVICE_CERTIFICATE_EXPIRING_CHECK', 'REVOKED_DEVICE_CERTIFICATE_STILL_ACTIVE_CHECK', 'CONFLICTING_CLIENT_IDS_CHECK', 'IOT_POLICY_OVERLY_PERMISSIVE_CHECK', 'LOGGING_DISABLED_CHECK'] as const;
const SEVERITIES = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW'] as const;
const REASONS = [['certificate revoked', 'CERT_REVOKED'], ['unknown CA', 'UNKNOWN_CA'], ['policy denied connect', 'POLICY_DENIED'], ['certificate expired', 'CERT_EXPIRED']] as const;

export const thingName = (i: number): string => `thing-${String(i).padStart(3, '0')}`;

/** The `things` lookup: one row per thing with its site, owner, model and criticality. */
export function thingsCsv(): string {
  const lines = ['thing,site,owner,model,criticality'];
  for (let i = 0; i < THING_COUNT; i++) lines.push(`${thingName(i)},${SITES[i % 4]},team-${i % 7},${MODELS[(i >> 2) % 4]},${i % 10 === 0 ? 'high' : i % 3 === 0 ? 'medium' : 'low'}`);
  return `${lines.join('\n')}\n`;
}

const ip = (r: () => number, external: boolean): string => (external ? `203.0.113.${Math.floor(r() * 250) + 1}` : `10.${Math.floor(r() * 4)}.${Math.floor(r() * 250)}.${Math.floor(r() * 250) + 1}`);

/**
 * `count` events spread over the 7 days before `nowMs`, in batches (so 1 M events never sit in
 * memory at once): 55% Device Defender metrics (JSON), 30% broker log lines and 10% auth failure
 * lines (key=value text), 5% audit findings (JSON).
 */
export function* analystCorpus(count: number, nowMs: number, batchSize = 10_000): Generator<SiemEvent[]> {
  const r = seededRandom(7);
  const spanMs = 7 * 86_400_000;
  let batch: SiemEvent[] = [];
  for (let n = 0; n < count; n++) {
    const timeMs = nowMs - spanMs + Math.floor((n / count) * spanMs);
    const t = Math.floor(r() * THING_COUNT);
    const thing = thingName(t);
    const kind = r();
    let event: SiemEvent;
    if (kind < 0.55) {
      const name = METRICS[n % METRICS.length] as string;
      const noisy = t % 50 === 7;
      const value =
        name === 'aws:listening-tcp-ports' ? { ports: t % 40 === 3 ? [21, 22, 80] : t % 2 === 0 ? [22, 443] : [22, 80] }
        : name === 'aws:source-ip-address' ? { cidrs: [ip(r, t % 25 === 0 && r() < 0.2)] }
        : name === 'aws:all-bytes-out' ? { count: Math.floor(20_000 + r() * 80_000 * (noisy && r() < 0.3 ? 40 : 1)) }
        : name === 'aws:all-packets-out' ? { count: Math.floor(50 + r() * 400) }
        : name === 'aws:num-authorization-failures' ? { count: t % 30 === 4 ? Math.floor(r() * 20) : r() < 0.05 ? 1 : 0 }
        : name === 'aws:num-connects' ? { count: 1 + Math.floor(r() * (t % 20 === 11 ? 12 : 2)) }
        : { count: t % 40 === 3 ? 3 : 2 };
      event = { time: timeMs, index: 'aws_hfb', sourcetype: 'aws-iot-device-defender', source: 'http:firehose', host: 'vigil', raw: JSON.stringify({ name, thing, value, version: '1.0', timestamp: timeMs }) };
    } else if (kind < 0.85) {
      const e = r();
      const what = e < 0.4 ? 'connect' : e < 0.75 ? 'disconnect' : e < 0.92 ? 'publish' : 'publish_denied';
      const result = what === 'publish_denied' ? 'denied' : r() < 0.97 ? 'success' : 'error';
      event = { time: timeMs, index: 'iot', sourcetype: 'vigil:broker', source: 'broker', host: `broker-${n % 2}`, raw: `${new Date(timeMs).toISOString()} broker: event=${what} clientId=${thing} src=${ip(r, t % 25 === 0 && r() < 0.1)} proto=mqtt${r() < 0.5 ? '5' : '311'} result=${result} duration_ms=${Math.floor(r() * 200)}` };
    } else if (kind < 0.95) {
      const [reason, code] = REASONS[Math.floor(r() * REASONS.length)] as (typeof REASONS)[number];
      event = { time: timeMs, index: 'iot', sourcetype: 'vigil:auth', source: 'broker', host: 'broker-0', raw: `${new Date(timeMs).toISOString()} auth failure for clientId=${thing} from ${ip(r, r() < 0.5)}: ${reason} code=${code}` };
    } else {
      const check = CHECKS[Math.floor(r() * CHECKS.length)] as string;
      const severity = check.startsWith('REVOKED') ? 'CRITICAL' : (SEVERITIES[1 + Math.floor(r() * 3)] as string);
      event = { time: timeMs, index: 'aws_audit', sourcetype: 'aws-iot-audit', source: 'audit', host: 'vigil', raw: JSON.stringify({ checkName: check, severity, resource: { thing }, taskId: `task-${Math.floor(n / 5000)}`, reason: severity === 'CRITICAL' ? 'still active' : 'non-compliant' }) };
    }
    batch.push(event);
    if (batch.length === batchSize) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

/** One analyst search: its shape (family) and SPL; searches run over the whole 7-day range unless they say otherwise. */
export interface AnalystQuery {
  readonly family: string;
  readonly query: string;
}

const DD = 'index=aws_hfb sourcetype=aws-iot-device-defender';

/** 27 shapes x 4 parameter sets = 108 searches (join and transaction added to the first 100). */
export function analystQueries(): AnalystQuery[] {
  const metrics = ['aws:all-bytes-out', 'aws:all-packets-out', 'aws:num-connects', 'aws:num-authorization-failures'];
  const things = [thingName(3), thingName(7), thingName(44), thingName(150)];
  const shapes: Array<[string, (i: number) => string]> = [
    ['stats sum by thing, top 10', (i) => `${DD} name="${metrics[i]}" | stats sum(value.count) as total by thing | sort - total | head 10`],
    ['timechart of one thing', (i) => `${DD} name="aws:num-authorization-failures" thing="${things[i]}" | timechart span=1h sum(value.count) as failures`],
    ['connect counts over a threshold', (i) => `index=iot sourcetype=vigil:broker event=connect | stats count by clientId | where count > ${[3, 5, 10, 15][i]}`],
    ['rex auth failure reasons', (i) => `index=iot sourcetype=vigil:auth ${['', 'CERT_REVOKED', 'from 203.*', 'clientId=thing-0*'][i]} | rex "from (?<src_ip>\\d+\\.\\d+\\.\\d+\\.\\d+): (?<reason>.+) code=(?<code>\\w+)" | stats count by code reason`],
    ['lookup site, dc things', (i) => `${DD} name="${metrics[i]}" | lookup things thing OUTPUT site | stats dc(thing) as things sum(value.count) as total by site`],
    ['denied publishes of critical things', (i) => `index=iot event=publish_denied | stats count by clientId | lookup things thing AS clientId OUTPUT owner criticality | where criticality="${['high', 'medium', 'low', 'high'][i]}" | sort - count`],
    ['eval MB and filter', (i) => `${DD} name="aws:all-bytes-out" | eval kb=round('value.count'/1024, 1) | where kb > ${[90, 200, 500, 1000][i]} | table _time thing kb | head 100`],
    ['strftime hour histogram', (i) => `index=iot sourcetype=vigil:broker event=${['connect', 'disconnect', 'publish', 'publish_denied'][i]} | eval hour=strftime(_time, "%H") | stats count by hour`],
    ['ports across the fleet', (i) => `${DD} name="aws:listening-tcp-ports"${i % 2 === 0 ? '' : ` thing="${things[i]}"`} | spath value.ports{} output=port | mvexpand port | stats dc(thing) as things by port | sort - things`],
    ['many source addresses', (i) => `index=iot sourcetype=vigil:broker src=${['10.*', '203.*', '10.1.*', '*'][i]} | stats values(src) as srcs dc(src) as n by clientId | where n > 1 | sort - n | head 20`],
    ['latest value per thing and metric', (i) => `${DD} earliest=${['-24h', '-6h', '-3d', '-1h'][i]} | stats latest(value.count) as last by thing name`],
    ['top clients', (i) => `index=iot sourcetype=vigil:broker event=${['connect', 'publish_denied', 'disconnect', 'publish'][i]} | top limit=${[5, 10, 3, 20][i]} clientId`],
    ['dedup latest connect', (i) => `index=iot event=connect clientId=${['thing-0*', 'thing-1*', 'thing-00*', '*'][i]} | dedup clientId | table _time clientId src proto`],
    ['eventstats fleet average', (i) => `${DD} name="${metrics[i]}" | eventstats avg(value.count) as fleet_avg | where 'value.count' > ${[3, 1.5, 3, 3][i]} * fleet_avg | stats count by thing`],
    ['streamstats first events', (i) => `index=iot clientId="${things[i]}" | sort 0 _time | streamstats count as n | where n <= 5 | table _time n event`],
    ['bin and count', (i) => `index=iot sourcetype=vigil:broker | bin _time span=${['15m', '1h', '4h', '1d'][i]} | stats count by _time event`],
    ['fillnull durations', (i) => `index=iot sourcetype=${['vigil:broker', 'vigil:auth', 'vigil:broker', 'vigil:auth'][i]} | stats count avg(duration_ms) as avg_ms max(duration_ms) as max_ms by host | fillnull value=0`],
    ['audit severity score', (i) => `index=aws_audit ${['', 'severity=CRITICAL', 'NOT severity=LOW', 'checkName=*CERTIFICATE*'][i]} | eval score=case(severity="CRITICAL", 4, severity="HIGH", 3, severity="MEDIUM", 2, true(), 1) | stats sum(score) as score count by checkName | sort - score`],
    ['rex thing and lookup site', (i) => `index=iot sourcetype=vigil:auth code=${['CERT_REVOKED', 'UNKNOWN_CA', 'POLICY_DENIED', 'CERT_EXPIRED'][i]} | rex "clientId=(?<thing>\\S+) from" | lookup things thing OUTPUT site | stats count by site`],
    ['a few things by metric', (i) => `${DD} thing IN (${things.slice(0, i + 1).map((t) => `"${t}"`).join(', ')}) | stats count avg(value.count) as avg by thing name`],
    ['failures by result', (i) => `index=iot sourcetype=vigil:broker NOT result=success ${['', 'event=connect', 'proto=mqtt5', 'host=broker-1'][i]} | stats count by result event`],
    ['percentile outliers', (i) => `${DD} name="${metrics[i]}" | stats perc95(value.count) as p95 median(value.count) as med by thing | where p95 > 1.5 * med`],
    ['session span per client', (i) => `index=iot event=connect clientId=${['thing-0*', 'thing-1*', '*', 'thing-19*'][i]} | stats earliest(_time) as first latest(_time) as last count by clientId | eval span_h=round((last - first) / 3600, 1) | sort - span_h | head 10`],
    ['subsearch: critical things denied', (i) => `index=iot event=${['publish_denied', 'connect', 'disconnect', 'publish'][i]} [ search index=aws_audit severity=CRITICAL | rename resource.thing AS clientId | dedup clientId | head 20 | fields clientId ] | stats count by clientId`],
    ['external sources', (i) => `index=iot sourcetype=vigil:broker | where match(src, "^${['203\\\\.', '10\\\\.0\\\\.', '10\\\\.3\\\\.', '203\\\\.0\\\\.113\\\\.1'][i]}") | stats count by clientId src | sort - count | head 20`],
    ['join auth failures with connects', (i) => `index=iot sourcetype=vigil:auth code=${['CERT_REVOKED', 'UNKNOWN_CA', 'POLICY_DENIED', 'CERT_EXPIRED'][i]} | stats count as failures by clientId | join clientId [search index=iot sourcetype=vigil:broker event=connect | stats count as connects by clientId] | sort - failures, clientId | head 20`],
    ['transaction sessions per client', (i) => `index=iot sourcetype=vigil:broker clientId=${['thing-00*', 'thing-01*', 'thing-1*', 'thing-15*'][i]} | transaction clientId maxpause=${['30m', '1h', '2h', '4h'][i]} | stats count as sessions avg(duration) as avg_s max(eventcount) as max_events`],
  ];
  const queries: AnalystQuery[] = [];
  for (const [family, make] of shapes) for (let i = 0; i < 4; i++) queries.push({ family, query: make(i) });
  return queries;
}
