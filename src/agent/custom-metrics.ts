import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { VigilError, err, ok, type Result } from '../core/index.js';
import type { CustomMetricValue } from '../protocol/index.js';
import type { CustomMetricSpec } from './config.js';

const MAX_OUTPUT_BYTES = 64 * 1024;

function runCommand(command: string, timeoutMs: number): Promise<Result<string>> {
  return new Promise((resolve) => {
    execFile('/bin/sh', ['-c', command], { timeout: timeoutMs, maxBuffer: MAX_OUTPUT_BYTES, encoding: 'utf8' }, (error, stdout) => {
      if (error === null) resolve(ok(stdout));
      else resolve(err(new VigilError('agent.custom_metric_command', `command failed: ${error.message.trim()}`, { details: { command } })));
    });
  });
}

async function readSource(spec: CustomMetricSpec, timeoutMs: number): Promise<Result<string>> {
  if (spec.command !== undefined && spec.file === undefined) return runCommand(spec.command, timeoutMs);
  if (spec.file !== undefined && spec.command === undefined) {
    try {
      return ok(await readFile(spec.file, 'utf8'));
    } catch (error) {
      return err(new VigilError('agent.custom_metric_file', `cannot read ${spec.file}: ${(error as Error).message}`));
    }
  }
  return err(new VigilError('agent.custom_metric_source', 'give exactly one of command or file'));
}

/** Turns a command's stdout or a file's content into the value of a custom metric of `type`. */
export function parseCustomValue(type: CustomMetricSpec['type'], text: string): Result<CustomMetricValue> {
  const bad = (why: string): Result<CustomMetricValue> => err(new VigilError('agent.custom_metric_value', why));
  const items = text.split(/[\s,]+/).filter((item) => item !== '');
  switch (type) {
    case 'number': {
      if (items.length !== 1) return bad(`expected one number, got ${items.length} values`);
      const value = Number(items[0]);
      return Number.isFinite(value) ? ok({ type, value }) : bad(`"${items[0]}" is not a number`);
    }
    case 'number-list': {
      const value = items.map(Number);
      const wrong = items.find((_, i) => !Number.isFinite(value[i]));
      return wrong === undefined ? ok({ type, value }) : bad(`"${wrong}" is not a number`);
    }
    case 'string-list':
      return ok({ type, value: items });
    case 'ip-address-list': {
      const wrong = items.find((item) => isIP(item) === 0);
      return wrong === undefined ? ok({ type, value: items }) : bad(`"${wrong}" is not an IP address`);
    }
  }
}

/** Reads one custom metric; a failure names the metric and does not stop the report. */
export async function collectCustomMetric(spec: CustomMetricSpec, timeoutMs: number): Promise<Result<CustomMetricValue>> {
  const text = await readSource(spec, timeoutMs);
  if (!text.ok) return text;
  const value = parseCustomValue(spec.type, text.value);
  return value.ok ? value : err(new VigilError(value.error.code, `custom metric ${spec.name}: ${value.error.message}`));
}
