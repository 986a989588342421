import { err, type Result } from '../core/index.js';
import { cborDecode } from './cbor.js';
import { defaultProtocolLimits, type ProtocolLimits } from './config.js';
import type { MetricReport, ReportFormat } from './metric-report.js';
import { ReportRejection } from './report-rejection.js';
import { validateReport } from './validate-report.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Decodes and validates a report payload as published on `…/metrics/json` or `…/metrics/cbor`.
 * Never throws: any input that is not a valid report gives a `ReportRejection`.
 */
export function decodeReport(payload: Uint8Array, format: ReportFormat, limits: ProtocolLimits = defaultProtocolLimits): Result<MetricReport, ReportRejection> {
  if (payload.byteLength > limits.maxReportBytes) {
    return err(new ReportRejection('too_large', `report is ${payload.byteLength} bytes, more than the limit of ${limits.maxReportBytes}`));
  }
  let value: unknown;
  try {
    value = format === 'json' ? JSON.parse(utf8.decode(payload)) : cborDecode(payload);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return err(new ReportRejection('invalid_payload', `not valid ${format === 'json' ? 'JSON' : 'CBOR'}: ${reason}`, { path: '' }));
  }
  return validateReport(value, limits);
}
