/**
 * The analyst workload's answers computed independently of the SPL engine: plain TypeScript over
 * the same generated events (bench/support/analyst-queries.ts), one function per search shape with
 * the same parameters. Each returns the expected rows and how to compare them.
 */
import { analystCorpus, thingsCsv } from '../../bench/support/analyst-queries.js';

export interface Ev {
  readonly time: number;
  readonly seq: number;
  readonly index: string;
  readonly sourcetype: string;
  readonly host: string;
  readonly raw: string;
  /** Fields as search-time extraction sees them (JSON paths, or key=value pairs). */
  readonly f: Readonly<Record<string, string | string[]>>;
}

export type Row = Record<string, string | string[]>;

/** How actual rows are checked: as a set, in exact order, or the top `n` by `key` (ties in any order). */
export type Expected = { readonly rows: Row[]; readonly mode: 'set' } | { readonly rows: Row[]; readonly mode: 'ordered' } | { readonly rows: Row[]; readonly mode: 'top'; readonly key: string; readonly n: number; readonly descending: boolean };

function flatten(value: unknown, prefix: string, out: Record<string, string | string[]>): void {
  if (Array.isArray(value)) {
    out[`${prefix}{}`] = value.map(String);
    return;
  }
  if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) flatten(v, prefix === '' ? k : `${prefix}.${k}`, out);
    return;
  }
  if (value !== null && value !== undefined) out[prefix] = String(value);
}

/** The corpus as the tests search it, with fields extracted here (not by the engine). */
export function corpusEvents(count: number, nowMs: number): Ev[] {
  const out: Ev[] = [];
  let seq = 0;
  for (const batch of analystCorpus(count, nowMs)) {
    for (const e of batch) {
      const f: Record<string, string | string[]> = {};
      if (e.raw.startsWith('{')) flatten(JSON.parse(e.raw), '', f);
      else for (const m of e.raw.matchAll(/(?:^|[\s,;])([A-Za-z_][A-Za-z0-9_.-]*)=("[^"]*"|[^\s,;"]+)/g)) f[m[1] as string] ??= (m[2] as string).replace(/^"|"$/g, '');
      out.push({ time: e.time / 1000, seq: seq++, index: e.index, sourcetype: e.sourcetype, host: e.host, raw: e.raw, f });
    }
  }
  return out;
}

const one = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v[0] : v);
const num = (v: string | string[] | undefined): number | undefined => {
  const s = one(v);
  return s === undefined || s.trim() === '' || Number.isNaN(Number(s)) ? undefined : Number(s);
};
const fmt = (n: number): string => (Number.isInteger(n) ? n.toFixed(0) : String(n));
const iso = (sec: number): string => new Date(sec * 1000).toISOString().replace('Z', '+00:00');
const like = (value: string | undefined, pattern: string): boolean => value !== undefined && new RegExp(`^${pattern.split('*').map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 'i').test(value);
const mv = (values: string[]): string | string[] => (values.length === 1 ? (values[0] as string) : values);
const newestFirst = (a: Ev, b: Ev): number => b.time - a.time || b.seq - a.seq;

function groupBy<T>(items: readonly T[], key: (t: T) => string | undefined): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    if (k === undefined) continue;
    out.set(k, [...(out.get(k) ?? []), item]);
  }
  return out;
}

const things = new Map(
  thingsCsv()
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => l.split(','))
    .map(([thing, site, owner, model, criticality]) => [thing as string, { site: site as string, owner: owner as string, model: model as string, criticality: criticality as string }]),
);

/** Nearest-rank percentile: the ceil(p·N)-th smallest value. */
function nearestRank(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)] as number;
}

const THINGS = ['thing-003', 'thing-007', 'thing-044', 'thing-150'];
const METRICS = ['aws:all-bytes-out', 'aws:all-packets-out', 'aws:num-connects', 'aws:num-authorization-failures'];
const CODES = ['CERT_REVOKED', 'UNKNOWN_CA', 'POLICY_DENIED', 'CERT_EXPIRED'];

/** The expected answer of search `i` (0–3) of a shape, over `events` searched at `nowMs`. */
export function expectedAnswer(family: string, i: number, events: readonly Ev[], nowMs: number): Expected | undefined {
  const dd = events.filter((e) => e.index === 'aws_hfb' && e.sourcetype === 'aws-iot-device-defender');
  const broker = events.filter((e) => e.index === 'iot' && e.sourcetype === 'vigil:broker');
  const auth = events.filter((e) => e.index === 'iot' && e.sourcetype === 'vigil:auth');
  const iot = events.filter((e) => e.index === 'iot');
  const metric = (name: string): Ev[] => dd.filter((e) => e.f['name'] === name);
  switch (family) {
    case 'stats sum by thing, top 10': {
      const rows = [...groupBy(metric(METRICS[i] as string), (e) => one(e.f['thing']))].map(([thing, es]) => ({ thing, total: fmt(es.reduce((s, e) => s + (num(e.f['value.count']) ?? 0), 0)) }));
      return { rows, mode: 'top', key: 'total', n: 10, descending: true };
    }
    case 'timechart of one thing': {
      const es = metric('aws:num-authorization-failures').filter((e) => e.f['thing'] === THINGS[i]);
      const buckets = groupBy(es, (e) => String(Math.floor(e.time / 3600) * 3600));
      const keys = [...buckets.keys()].map(Number);
      const rows: Row[] = [];
      for (let t = Math.min(...keys); t <= Math.max(...keys); t += 3600) {
        const b = buckets.get(String(t));
        rows.push(b === undefined ? { _time: iso(t) } : { _time: iso(t), failures: fmt(b.reduce((s, e) => s + (num(e.f['value.count']) ?? 0), 0)) });
      }
      return { rows, mode: 'ordered' };
    }
    case 'connect counts over a threshold': {
      const rows = [...groupBy(broker.filter((e) => e.f['event'] === 'connect'), (e) => one(e.f['clientId']))].filter(([, es]) => es.length > ([3, 5, 10, 15][i] as number)).map(([clientId, es]) => ({ clientId, count: fmt(es.length) }));
      return { rows, mode: 'set' };
    }
    case 'rex auth failure reasons': {
            // Terms match whole tokens between breakers (docs/siem.md, base search): space and punctuation, `.` `_` `=` included.
      const b = `[\\s\\[\\]<>(){}|!;,'"&?+*/:=@.\\-$#%\\\\_]`;
      const term = (re: string): RegExp => new RegExp(`(^|${b})${re}($|${b})`, 'i');
      const filters: Array<(e: Ev) => boolean> = [() => true, (e) => term('CERT_REVOKED').test(e.raw), (e) => term('from').test(e.raw) && new RegExp(`(^|${b})203\\.`).test(e.raw), (e) => like(one(e.f['clientId']), 'thing-0*')];
      const parsed = auth.filter(filters[i] as (e: Ev) => boolean).map((e) => /from (\d+\.\d+\.\d+\.\d+): (.+) code=(\w+)/.exec(e.raw)).filter((m): m is RegExpExecArray => m !== null);
      const rows = [...groupBy(parsed, (m) => `${m[3]}\u0000${m[2]}`)].map(([k, ms]) => ({ code: k.split('\u0000')[0] as string, reason: k.split('\u0000')[1] as string, count: fmt(ms.length) }));
      return { rows, mode: 'set' };
    }
    case 'lookup site, dc things': {
      const rows = [...groupBy(metric(METRICS[i] as string), (e) => things.get(one(e.f['thing']) ?? '')?.site)].map(([site, es]) => ({ site, things: fmt(new Set(es.map((e) => one(e.f['thing']))).size), total: fmt(es.reduce((s, e) => s + (num(e.f['value.count']) ?? 0), 0)) }));
      return { rows, mode: 'set' };
    }
    case 'denied publishes of critical things': {
      const level = ['high', 'medium', 'low', 'high'][i];
      const rows = [...groupBy(iot.filter((e) => e.f['event'] === 'publish_denied'), (e) => one(e.f['clientId']))]
        .map(([clientId, es]) => ({ clientId, count: fmt(es.length), owner: things.get(clientId)?.owner, criticality: things.get(clientId)?.criticality }))
        .filter((r) => r.criticality === level)
        .map((r) => ({ clientId: r.clientId, count: r.count, owner: r.owner as string, criticality: r.criticality as string }));
      return { rows, mode: 'top', key: 'count', n: rows.length, descending: true };
    }
    case 'eval MB and filter': {
      const limit = [90, 200, 500, 1000][i] as number;
      const rows = metric('aws:all-bytes-out')
        .map((e) => ({ e, kb: Math.round(((num(e.f['value.count']) ?? 0) / 1024) * 10) / 10 }))
        .filter((x) => x.kb > limit)
        .sort((a, b) => newestFirst(a.e, b.e))
        .slice(0, 100)
        .map((x) => ({ _time: iso(x.e.time), thing: one(x.e.f['thing']) as string, kb: fmt(x.kb) }));
      return { rows, mode: 'ordered' };
    }
    case 'strftime hour histogram': {
      const what = ['connect', 'disconnect', 'publish', 'publish_denied'][i];
      const rows = [...groupBy(broker.filter((e) => e.f['event'] === what), (e) => new Date(e.time * 1000).toISOString().slice(11, 13))].map(([hour, es]) => ({ hour, count: fmt(es.length) }));
      return { rows, mode: 'set' };
    }
    case 'ports across the fleet': {
      const es = metric('aws:listening-tcp-ports').filter((e) => i % 2 === 0 || e.f['thing'] === THINGS[i]);
      const byPort = new Map<string, Set<string>>();
      for (const e of es) for (const p of (e.f['value.ports{}'] as string[] | undefined) ?? []) byPort.set(p, (byPort.get(p) ?? new Set()).add(one(e.f['thing']) as string));
      const rows = [...byPort].map(([port, set]) => ({ port, things: fmt(set.size) }));
      return { rows, mode: 'top', key: 'things', n: rows.length, descending: true };
    }
    case 'many source addresses': {
      const pattern = ['10.*', '203.*', '10.1.*', '*'][i] as string;
      const rows = [...groupBy(broker.filter((e) => { const s = one(e.f['src']); return s !== undefined && s !== '' && like(s, pattern); }), (e) => one(e.f['clientId']))]
        .map(([clientId, es]) => {
          const srcs = [...new Set(es.map((e) => one(e.f['src']) as string))].sort();
          return { clientId, srcs: mv(srcs), n: fmt(srcs.length) };
        })
        .filter((r) => Number(r.n) > 1);
      return { rows, mode: 'top', key: 'n', n: 20, descending: true };
    }
    case 'latest value per thing and metric': {
      const from = nowMs / 1000 - ([86400, 21600, 259200, 3600][i] as number);
      const es = dd.filter((e) => e.time >= from && e.time < nowMs / 1000);
      const rows = [...groupBy(es, (e) => (e.f['thing'] === undefined || e.f['name'] === undefined ? undefined : `${one(e.f['thing'])}\u0000${one(e.f['name'])}`))].map(([k, group]) => {
        // A group whose events have no value.count still gets a row, without `last`.
        const last = [...group].filter((e) => e.f['value.count'] !== undefined).sort(newestFirst)[0];
        return { thing: k.split('\u0000')[0] as string, name: k.split('\u0000')[1] as string, ...(last === undefined ? {} : { last: one(last.f['value.count']) as string }) };
      });
      return { rows, mode: 'set' };
    }
    case 'top clients': {
      const what = ['connect', 'publish_denied', 'disconnect', 'publish'][i];
      const es = broker.filter((e) => e.f['event'] === what);
      const counts = [...groupBy(es, (e) => one(e.f['clientId']))].map(([clientId, g]) => ({ clientId, count: g.length }));
      counts.sort((a, b) => b.count - a.count || (a.clientId < b.clientId ? -1 : 1));
      const rows = counts.map((c) => ({ clientId: c.clientId, count: fmt(c.count), percent: ((c.count * 100) / es.length).toFixed(6) }));
      return { rows, mode: 'top', key: 'count', n: [5, 10, 3, 20][i] as number, descending: true };
    }
    case 'dedup latest connect': {
      const pattern = ['thing-0*', 'thing-1*', 'thing-00*', '*'][i] as string;
      const seen = new Set<string>();
      const rows: Row[] = [];
      for (const e of iot.filter((x) => x.f['event'] === 'connect' && like(one(x.f['clientId']), pattern)).sort(newestFirst)) {
        const id = one(e.f['clientId']) as string;
        if (seen.has(id)) continue;
        seen.add(id);
        rows.push({ _time: iso(e.time), clientId: id, src: one(e.f['src']) as string, proto: one(e.f['proto']) as string });
      }
      return { rows, mode: 'ordered' };
    }
    case 'eventstats fleet average': {
      const es = metric(METRICS[i] as string);
      const values = es.map((e) => num(e.f['value.count'])).filter((v): v is number => v !== undefined);
      const avg = values.reduce((s, v) => s + v, 0) / values.length;
      const factor = [3, 1.5, 3, 3][i] as number;
      const rows = [...groupBy(es.filter((e) => (num(e.f['value.count']) ?? -Infinity) > factor * avg), (e) => one(e.f['thing']))].map(([thing, g]) => ({ thing, count: fmt(g.length) }));
      return { rows, mode: 'set' };
    }
    case 'streamstats first events': {
      const es = iot.filter((e) => e.f['clientId'] === THINGS[i]).sort((a, b) => a.time - b.time || a.seq - b.seq).slice(0, 5);
      return { rows: es.map((e, k) => ({ _time: iso(e.time), n: fmt(k + 1), ...(e.f['event'] === undefined ? {} : { event: one(e.f['event']) as string }) })), mode: 'ordered' };
    }
    case 'bin and count': {
      const span = [900, 3600, 14400, 86400][i] as number;
      const rows = [...groupBy(broker.filter((e) => e.f['event'] !== undefined), (e) => `${Math.floor(e.time / span) * span}\u0000${one(e.f['event'])}`)].map(([k, g]) => ({ _time: iso(Number(k.split('\u0000')[0])), event: k.split('\u0000')[1] as string, count: fmt(g.length) }));
      return { rows, mode: 'set' };
    }
    case 'fillnull durations': {
      const st = ['vigil:broker', 'vigil:auth', 'vigil:broker', 'vigil:auth'][i];
      const rows = [...groupBy(iot.filter((e) => e.sourcetype === st), (e) => e.host)].map(([host, g]) => {
        const d = g.map((e) => num(e.f['duration_ms'])).filter((v): v is number => v !== undefined);
        return { host, count: fmt(g.length), avg_ms: d.length === 0 ? '0' : fmt(d.reduce((s, v) => s + v, 0) / d.length), max_ms: d.length === 0 ? '0' : fmt(Math.max(...d)) };
      });
      return { rows, mode: 'set' };
    }
    case 'audit severity score': {
      const filters: Array<(e: Ev) => boolean> = [() => true, (e) => e.f['severity'] === 'CRITICAL', (e) => e.f['severity'] !== 'LOW', (e) => like(one(e.f['checkName']), '*CERTIFICATE*')];
      const es = events.filter((e) => e.index === 'aws_audit').filter(filters[i] as (e: Ev) => boolean);
      const score = (s: string | string[] | undefined): number => (s === 'CRITICAL' ? 4 : s === 'HIGH' ? 3 : s === 'MEDIUM' ? 2 : 1);
      const rows = [...groupBy(es, (e) => one(e.f['checkName']))].map(([checkName, g]) => ({ checkName, score: fmt(g.reduce((s, e) => s + score(e.f['severity']), 0)), count: fmt(g.length) }));
      return { rows, mode: 'top', key: 'score', n: rows.length, descending: true };
    }
    case 'rex thing and lookup site': {
      const es = auth.filter((e) => e.f['code'] === CODES[i]);
      const rows = [...groupBy(es, (e) => things.get(/clientId=(\S+) from/.exec(e.raw)?.[1] ?? '')?.site)].map(([site, g]) => ({ site, count: fmt(g.length) }));
      return { rows, mode: 'set' };
    }
    case 'a few things by metric': {
      const set = new Set(THINGS.slice(0, i + 1));
      const rows = [...groupBy(dd.filter((e) => set.has(one(e.f['thing']) ?? '')), (e) => `${one(e.f['thing'])}\u0000${one(e.f['name'])}`)].map(([k, g]) => {
        const v = g.map((e) => num(e.f['value.count'])).filter((x): x is number => x !== undefined);
        return { thing: k.split('\u0000')[0] as string, name: k.split('\u0000')[1] as string, count: fmt(g.length), ...(v.length === 0 ? {} : { avg: fmt(v.reduce((s, x) => s + x, 0) / v.length) }) };
      });
      return { rows, mode: 'set' };
    }
    case 'failures by result': {
      const extra: Array<(e: Ev) => boolean> = [() => true, (e) => e.f['event'] === 'connect', (e) => e.f['proto'] === 'mqtt5', (e) => e.host === 'broker-1'];
      const es = broker.filter((e) => e.f['result'] !== 'success').filter(extra[i] as (e: Ev) => boolean);
      const rows = [...groupBy(es, (e) => (e.f['result'] === undefined || e.f['event'] === undefined ? undefined : `${one(e.f['result'])}\u0000${one(e.f['event'])}`))].map(([k, g]) => ({ result: k.split('\u0000')[0] as string, event: k.split('\u0000')[1] as string, count: fmt(g.length) }));
      return { rows, mode: 'set' };
    }
    case 'percentile outliers': {
      const rows = [...groupBy(metric(METRICS[i] as string), (e) => one(e.f['thing']))]
        .map(([thing, g]) => {
          const v = g.map((e) => num(e.f['value.count'])).filter((x): x is number => x !== undefined);
          return { thing, p95: nearestRank(v, 0.95), med: nearestRank(v, 0.5) };
        })
        .filter((r) => r.p95 > 1.5 * r.med)
        .map((r) => ({ thing: r.thing, p95: fmt(r.p95), med: fmt(r.med) }));
      return { rows, mode: 'set' };
    }
    case 'session span per client': {
      const pattern = ['thing-0*', 'thing-1*', '*', 'thing-19*'][i] as string;
      const rows = [...groupBy(iot.filter((e) => e.f['event'] === 'connect' && like(one(e.f['clientId']), pattern)), (e) => one(e.f['clientId']))].map(([clientId, g]) => {
        const first = Math.min(...g.map((e) => e.time));
        const last = Math.max(...g.map((e) => e.time));
        return { clientId, first: fmt(first), last: fmt(last), count: fmt(g.length), span_h: fmt(Math.round(((last - first) / 3600) * 10) / 10) };
      });
      return { rows, mode: 'top', key: 'span_h', n: 10, descending: true };
    }
    case 'subsearch: critical things denied': {
      const seen: string[] = [];
      for (const e of events.filter((x) => x.index === 'aws_audit' && x.f['severity'] === 'CRITICAL').sort(newestFirst)) {
        const id = one(e.f['resource.thing']);
        if (id !== undefined && !seen.includes(id)) seen.push(id);
      }
      const ids = new Set(seen.slice(0, 20).map((s) => s.toLowerCase()));
      const what = ['publish_denied', 'connect', 'disconnect', 'publish'][i];
      const rows = [...groupBy(iot.filter((e) => e.f['event'] === what && ids.has((one(e.f['clientId']) ?? '').toLowerCase())), (e) => one(e.f['clientId']))].map(([clientId, g]) => ({ clientId, count: fmt(g.length) }));
      return { rows, mode: 'set' };
    }
    case 'external sources': {
      const prefix = ['203.', '10.0.', '10.3.', '203.0.113.1'][i] as string;
      const rows = [...groupBy(broker.filter((e) => (one(e.f['src']) ?? '').startsWith(prefix)), (e) => `${one(e.f['clientId'])}\u0000${one(e.f['src'])}`)].map(([k, g]) => ({ clientId: k.split('\u0000')[0] as string, src: k.split('\u0000')[1] as string, count: fmt(g.length) }));
      return { rows, mode: 'top', key: 'count', n: 20, descending: true };
    }
    case 'join auth failures with connects': {
      const connects = new Map([...groupBy(broker.filter((e) => e.f['event'] === 'connect'), (e) => one(e.f['clientId']))].map(([k, g]) => [k, g.length]));
      const rows = [...groupBy(auth.filter((e) => e.f['code'] === CODES[i]), (e) => one(e.f['clientId']))]
        .filter(([clientId]) => connects.has(clientId))
        .map(([clientId, g]) => ({ clientId, failures: fmt(g.length), connects: fmt(connects.get(clientId) as number) }))
        .sort((a, b) => Number(b.failures) - Number(a.failures) || (a.clientId < b.clientId ? -1 : 1))
        .slice(0, 20);
      return { rows, mode: 'ordered' };
    }
    case 'transaction sessions per client': {
      const pattern = ['thing-00*', 'thing-01*', 'thing-1*', 'thing-15*'][i] as string;
      const pause = [1800, 3600, 7200, 14400][i] as number;
      const sessions: Array<{ first: number; last: number; count: number }> = [];
      for (const [, g] of groupBy(broker.filter((e) => like(one(e.f['clientId']), pattern)), (e) => one(e.f['clientId']))) {
        let open: { first: number; last: number; count: number } | undefined;
        for (const e of [...g].sort((a, b) => a.time - b.time || a.seq - b.seq)) {
          if (open === undefined || e.time - open.last > pause || open.count >= 1000) {
            open = { first: e.time, last: e.time, count: 0 };
            sessions.push(open);
          }
          open.count++;
          open.last = e.time;
        }
      }
      const avg = sessions.reduce((s, x) => s + (x.last - x.first), 0) / sessions.length;
      return { rows: [{ sessions: fmt(sessions.length), avg_s: fmt(avg), max_events: fmt(Math.max(...sessions.map((s) => s.count))) }], mode: 'ordered' };
    }
    default:
      return undefined;
  }
}

/** Equal values: numbers within a relative 1e-9 (sums and averages may round differently), else text. */
export function sameValue(a: string | string[] | undefined, b: string | string[] | undefined): boolean {
  if (Array.isArray(a) || Array.isArray(b)) return JSON.stringify(a) === JSON.stringify(b);
  if (a === undefined || b === undefined) return a === b;
  const x = Number(a);
  const y = Number(b);
  if (a.trim() !== '' && b.trim() !== '' && !Number.isNaN(x) && !Number.isNaN(y)) return Math.abs(x - y) <= 1e-9 * Math.max(1, Math.abs(x), Math.abs(y));
  return a === b;
}

export function sameRow(a: Row, b: Row): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].every((k) => sameValue(a[k], b[k]));
}
