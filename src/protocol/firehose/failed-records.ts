import { randomBytes, randomUUID } from 'node:crypto';
import type { BackupConfig } from '../../model/index.js';

/**
 * Firehose's failed-record objects and backup key layout (B.5): what a stream writes to its backup
 * directory, and what `replay` reads back.
 */

/** Firehose's `!{firehose:error-output-type}` values that Vigil writes (`file-failed` is Vigil's own sink). */
export type ErrorOutputType = 'processing-failed' | 'splunk-failed' | 'http-endpoint-failed' | 'file-failed';

/** One line of a failed-record object (Firehose B.5); the id field depends on the destination. */
export interface FailedRecord {
  readonly attemptsMade: number;
  readonly arrivalTimestamp: number;
  readonly errorCode: string;
  readonly errorMessage: string;
  readonly attemptEndingTimestamp: number;
  /** Base64 of the record bytes: as sent to the destination, or the original record for processing-failed. */
  readonly rawData: string;
  readonly EventId?: string;
  readonly dataId?: string;
  readonly subsequenceNumber?: number;
  readonly lambdaArn?: string;
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** Java DateTimeFormatter subset used in Firehose prefixes: yyyy, MM, dd, HH, mm, ss (UTC). */
function formatTimestamp(pattern: string, at: Date): string {
  return pattern.replace(/yyyy|MM|dd|HH|mm|ss/g, (token) => {
    switch (token) {
      case 'yyyy': return String(at.getUTCFullYear());
      case 'MM': return pad(at.getUTCMonth() + 1);
      case 'dd': return pad(at.getUTCDate());
      case 'HH': return pad(at.getUTCHours());
      case 'mm': return pad(at.getUTCMinutes());
      default: return pad(at.getUTCSeconds());
    }
  });
}

const EXPRESSION = /!\{([a-z]+):([^}]*)\}/g;
const hasExpression = (text: string): boolean => /!\{[a-z]+:[^}]*\}/.test(text);

/** Evaluates a Firehose prefix expression at `atMs`. */
export function evaluatePrefix(prefix: string, atMs: number, errorType?: ErrorOutputType): string {
  const at = new Date(atMs);
  return prefix.replace(EXPRESSION, (_all, namespace: string, argument: string) => {
    if (namespace === 'timestamp') return formatTimestamp(argument, at);
    if (namespace === 'firehose' && argument === 'random-string') return randomBytes(8).toString('base64url').slice(0, 11);
    if (namespace === 'firehose' && argument === 'error-output-type') return errorType ?? '';
    return '';
  });
}

/** The folder (relative to the stream's backup root) of an object written at `atMs`. */
export function backupFolder(config: BackupConfig, atMs: number, errorType?: ErrorOutputType): string {
  const hourly = formatTimestamp('yyyy/MM/dd/HH/', new Date(atMs));
  if (errorType === undefined) {
    return hasExpression(config.prefix) ? evaluatePrefix(config.prefix, atMs) : `${config.prefix}${hourly}`;
  }
  if (config.errorOutputPrefix !== '') return evaluatePrefix(config.errorOutputPrefix, atMs, errorType);
  const base = hasExpression(config.prefix) ? '' : config.prefix;
  return `${base}${errorType}/${hourly}`;
}

/** `<stream>-<version>-yyyy-MM-dd-HH-mm-ss-<uuid>`, Firehose's object name. */
export function objectName(stream: string, version: number, atMs: number): string {
  return `${stream}-${version}-${formatTimestamp('yyyy-MM-dd-HH-mm-ss', new Date(atMs))}-${randomUUID()}`;
}

/** A failed-record object: one JSON object per line. */
export function encodeFailedRecords(records: readonly FailedRecord[]): string {
  return records.map((r) => `${JSON.stringify(r)}\n`).join('');
}

/** The records of a failed-record object; undefined unless every line is one (an AllEvents object is not). */
export function decodeFailedRecords(text: string): FailedRecord[] | undefined {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  if (lines.length === 0) return undefined;
  const records: FailedRecord[] = [];
  for (const line of lines) {
    let parsed: Partial<FailedRecord>;
    try {
      parsed = JSON.parse(line) as Partial<FailedRecord>;
    } catch {
      return undefined;
    }
    if (typeof parsed.rawData !== 'string' || typeof parsed.errorCode !== 'string') return undefined;
    records.push(parsed as FailedRecord);
  }
  return records;
}
