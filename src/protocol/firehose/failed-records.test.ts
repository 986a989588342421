import { describe, expect, it } from 'vitest';
import { backupFolder, evaluatePrefix, objectName } from './failed-records.js';

const at = Date.UTC(2026, 0, 2, 3, 4, 5);
const config = (prefix = '', errorOutputPrefix = '') => ({ mode: 'FailedEventsOnly' as const, prefix, errorOutputPrefix });

describe('backup key layout (Firehose B.5)', () => {
  it('appends YYYY/MM/DD/HH/ (UTC) to a prefix without expressions, and puts failures under <prefix><type>/', () => {
    expect(backupFolder(config('siem/'), at)).toBe('siem/2026/01/02/03/');
    expect(backupFolder(config('siem/'), at, 'splunk-failed')).toBe('siem/splunk-failed/2026/01/02/03/');
    expect(backupFolder(config(), at, 'processing-failed')).toBe('processing-failed/2026/01/02/03/');
  });

  it('evaluates timestamp, random-string and error-output-type expressions', () => {
    expect(evaluatePrefix('x/!{timestamp:yyyy-MM-dd}/!{firehose:error-output-type}/', at, 'http-endpoint-failed')).toBe('x/2026-01-02/http-endpoint-failed/');
    expect(evaluatePrefix('!{firehose:random-string}', at)).toMatch(/^[A-Za-z0-9_-]{11}$/);
    expect(backupFolder(config('', 'err/!{firehose:error-output-type}/!{timestamp:HH}/'), at, 'splunk-failed')).toBe('err/splunk-failed/03/');
  });

  it('names objects <stream>-<version>-yyyy-MM-dd-HH-mm-ss-<uuid>', () => {
    expect(objectName('siem', 3, at)).toMatch(/^siem-3-2026-01-02-03-04-05-[0-9a-f-]{36}$/);
  });
});
