import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { unwrap } from '../../src/core/index.js';
import type { Behavior, MetricValue } from '../../src/model/index.js';
import type { MetricReport } from '../../src/protocol/index.js';
import { T0, openHarness, type Harness } from './harness.js';

/**
 * Behavior tests as data: each YAML case sets up custom metrics, dimensions, groups and one
 * profile, feeds datapoints at given times (seconds after T0) on a fake clock, and lists the
 * violation events that must come out, in order. A case with `restart` steps runs twice, with
 * and without the restarts (datapoint history on in both), and both runs must give these events.
 */
interface Step {
  readonly at: number;
  readonly report?: { thing: string; metrics?: MetricReport['metrics']; custom?: MetricReport['customMetrics'] };
  readonly cloud?: { thing: string; metric: string; value: number | string; topic?: string; count?: number };
  readonly update_behaviors?: Behavior[];
  readonly detach?: string;
  readonly remove_member?: { group: string; thing: string };
  /** Stops the process and starts a new one on the same stores (fake time goes on). */
  readonly restart?: true;
}

interface Expected {
  readonly at: number;
  readonly thing: string;
  readonly behavior: string;
  readonly type: string;
  readonly value?: MetricValue;
}

interface Case {
  readonly name: string;
  readonly config?: Record<string, number>;
  readonly custom_metrics?: Array<{ name: string; type: string }>;
  readonly dimensions?: Array<{ name: string; values: string[] }>;
  readonly groups?: Array<{ name: string; parent?: string; things?: string[] }>;
  readonly registered?: string[];
  readonly behaviors: Behavior[];
  readonly targets?: string[];
  readonly steps: Step[];
  readonly expect: Expected[];
  readonly alerts?: number;
}

const ARN = 'arn:aws:iot:local:000000000000';
const dir = new URL('.', import.meta.url).pathname;
let open: Harness[] = [];

afterEach(async () => {
  for (const h of open.reverse()) await h.close();
  open = [];
});

for (const file of readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort()) {
  const cases = parse(readFileSync(join(dir, file), 'utf8')) as Case[];
  describe(file, () => {
    for (const c of cases) {
      if (!c.steps.some((s) => s.restart === true)) it(c.name, async () => run(c, false));
      else {
        it(`${c.name} (with the restarts)`, async () => run(c, true));
        it(`${c.name} (same case, no restart)`, async () => run({ ...c, steps: c.steps.filter((s) => s.restart !== true) }, true));
      }
    }
  });
}

async function run(c: Case, history: boolean): Promise<void> {
  let h = await openHarness(c.config ?? {}, undefined, { history });
  open.push(h);
  const recorded = [h.events];
  let { detect } = h;
  const { directory } = h;
  for (const thing of c.registered ?? []) directory.registered.add(thing);
  for (const g of c.groups ?? []) {
    directory.group(g.name, g.parent);
    for (const t of g.things ?? []) directory.members.get(g.name)?.add(t);
  }
  for (const m of c.custom_metrics ?? []) unwrap(await detect.profiles.createCustomMetric(m.name, { metricType: m.type }));
  for (const d of c.dimensions ?? []) unwrap(await detect.profiles.createDimension(d.name, { type: 'TOPIC_FILTER', stringValues: d.values }));
  unwrap(await detect.profiles.createProfile('p', { behaviors: c.behaviors, alertTargets: { SNS: { alertTargetArn: 'arn:aws:sns:local:000000000000:alerts', roleArn: 'arn:aws:iam::000000000000:role/alerts' } } }));
  for (const target of c.targets ?? ['all/things']) unwrap(await detect.profiles.attach('p', `${ARN}:${target}`));
  let reportId = 1;
  for (const step of c.steps) {
    const target = T0 + step.at * 1000;
    if (target > h.time.now()) await h.time.advance(target - h.time.now());
    if (step.report !== undefined) {
      const report: MetricReport = { header: { reportId: reportId++, version: '1.0' }, ...(step.report.metrics === undefined ? {} : { metrics: step.report.metrics }), ...(step.report.custom === undefined ? {} : { customMetrics: step.report.custom }) };
      detect.engine.device({ thingName: step.report.thing, timestamp: target, reportId: report.header.reportId, report, clientId: step.report.thing });
    }
    if (step.cloud !== undefined) {
      for (let i = 0; i < (step.cloud.count ?? 1); i++) {
        const { thing, metric, value, topic } = step.cloud;
        detect.engine.cloud(typeof value === 'string' ? { thingName: thing, registered: false, timestamp: target, metric: 'aws:source-ip-address', value } : { thingName: thing, registered: false, timestamp: target, metric: metric as 'aws:num-messages-sent', value, topic });
      }
    }
    if (step.update_behaviors !== undefined) unwrap(await detect.profiles.updateProfile('p', { behaviors: step.update_behaviors, deleteBehaviors: step.update_behaviors.length === 0 }));
    if (step.detach !== undefined) unwrap(await detect.profiles.detach('p', `${ARN}:${step.detach}`));
    if (step.remove_member !== undefined) directory.removeMember(step.remove_member.group, step.remove_member.thing);
    if (step.restart === true) {
      await detect.idle();
      await h.shutdown();
      h = await openHarness(c.config ?? {}, { dir: h.dir, time: h.time, directory }, { history });
      open.push(h);
      recorded.push(h.events);
      detect = h.detect;
    }
    await detect.idle();
  }
  await detect.idle();
  const events = recorded.flat();
  const actual = events.map((e) => ({ at: (e.event.time - T0) / 1000, thing: e.event.thingName, behavior: e.event.behavior.name, type: e.event.eventType, value: e.event.metricValue }));
  const expected = c.expect.map((e, i) => ({ ...e, value: e.value ?? actual[i]?.value }));
  expect(actual).toEqual(expected);
  for (const e of events) expect(e.event.violationId).toMatch(/^[0-9a-f]{32}$/);
  if (c.alerts !== undefined) expect(h.alerts).toHaveLength(c.alerts);
}
