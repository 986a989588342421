import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestVigil } from '../support/vigil.js';

export const SOURCETYPE = 'aws-iot-device-defender';

/** One Device Defender metric as the reference pipeline stores it (split-device-defender's HEC envelope). */
export function metric(thing: string, name: string, value: Record<string, unknown>, atMs: number, index = 'main'): Record<string, unknown> {
  return { time: atMs / 1000, sourcetype: SOURCETYPE, index, event: { name, thing, value, version: '1.0', timestamp: atMs } };
}

/** One audit detail of an audit notification, as the reference pipeline stores it. */
export function auditDetail(checkName: string, checkRunStatus: string, nonCompliant: number, atMs: number): Record<string, unknown> {
  return { time: atMs / 1000, sourcetype: SOURCETYPE, event: { checkName, checkRunStatus, nonCompliantResourcesCount: nonCompliant, totalResourcesCount: 3, suppressedNonCompliantResourcesCount: 0 } };
}

/** Posts HEC envelopes with the default token; resolves once they are committed (non-ACK tokens answer after the commit). */
export async function sendEvents(vigil: TestVigil, envelopes: ReadonlyArray<Record<string, unknown>>): Promise<void> {
  const token = readFileSync(join(vigil.dataDir, 'secrets', 'hec-token'), 'utf8').trim();
  const response = await fetch(new URL('/services/collector/event', vigil.running.endpoints['hec']), { method: 'POST', headers: { authorization: `Splunk ${token}` }, body: envelopes.map((e) => JSON.stringify(e)).join('') });
  const body = (await response.json()) as { code: number };
  if (response.status !== 200 || body.code !== 0) throw new Error(`HEC refused the events: ${response.status} ${JSON.stringify(body)}`);
}

/** Reports every `stepMs` from `fromMs` up to (not including) `toMs`: `valueAt(t)` gives each report's value. */
export function series(thing: string, name: string, fromMs: number, toMs: number, stepMs: number, valueAt: (t: number) => Record<string, unknown>): Array<Record<string, unknown>> {
  const out: Array<Record<string, unknown>> = [];
  for (let t = fromMs; t < toMs; t += stepMs) out.push(metric(thing, name, valueAt(t), t));
  return out;
}
