import { VigilError } from './errors.js';
import { err, ok, type Result } from './result.js';

const BYTE_UNITS: Readonly<Record<string, number>> = {
  b: 1,
  kb: 1000,
  mb: 1000 ** 2,
  gb: 1000 ** 3,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
};

/** Parses `128KiB`, `4 MiB`, `1000` into bytes. */
export function parseBytes(text: string): Result<number> {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(text);
  const unit = (match?.[2] ?? '').toLowerCase() || 'b';
  const factor = BYTE_UNITS[unit];
  if (match === null || factor === undefined) {
    return err(new VigilError('units.invalid_bytes', `"${text}" is not a byte size`, { hint: 'write a number with an optional unit: B, KB, MB, GB, KiB, MiB, GiB' }));
  }
  return ok(Math.round(Number(match[1]) * factor));
}

const DURATION_UNITS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** Parses `300s`, `5m`, `1h30m`, `250ms` into milliseconds. */
export function parseDuration(text: string): Result<number> {
  const trimmed = text.trim();
  const pattern = /(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/gy;
  let total = 0;
  let consumed = 0;
  for (let match = pattern.exec(trimmed); match !== null; match = pattern.exec(trimmed)) {
    total += Number(match[1]) * (DURATION_UNITS[match[2] ?? ''] ?? 0);
    consumed = pattern.lastIndex;
  }
  if (trimmed.length === 0 || consumed !== trimmed.length) {
    return err(new VigilError('units.invalid_duration', `"${text}" is not a duration`, { hint: 'write e.g. 250ms, 30s, 5m, 1h30m, 7d' }));
  }
  return ok(Math.round(total));
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let index = 0;
  while (Math.abs(value) >= 1024 && index < units.length - 1) {
    value /= 1024;
    index++;
  }
  return `${index === 0 ? value : value.toFixed(1)} ${units[index]}`;
}
