import type { SavedSearchInput } from './validate.js';

/** A detection search shipped with Vigil: installed disabled on first start; users enable it (and add actions). */
export type BundledSearch = SavedSearchInput & { readonly name: string; readonly search: string };

const SOURCETYPE = 'sourcetype=aws-iot-device-defender';

/**
 * Keys of one (thing, value) pair's first sighting, re-split after a per-thing stats: "new" means first
 * seen after the thing's own first report in the search range, and within the last 15 minutes.
 * Written with the commands every Vigil has (stats, eval, mvexpand, where), no eventstats.
 */
function firstSeenAfterThing(field: string): string {
  return [
    `| stats min(_time) as first_seen by thing, ${field}`,
    `| eval entry=first_seen."|".${field}`,
    '| stats min(first_seen) as thing_first_seen, values(entry) as entries by thing',
    '| mvexpand entries',
    `| eval first_seen=tonumber(mvindex(split(entries, "|"), 0)), ${field}=mvindex(split(entries, "|"), 1)`,
    '| where first_seen > thing_first_seen AND first_seen >= relative_time(now(), "-15m")',
    '| eval first_seen=strftime(first_seen, "%Y-%m-%dT%H:%M:%SZ")',
  ].join(' ');
}

/** Audit checks of CRITICAL severity (the audit's check table, device-defender.md §6.2). */
const CRITICAL_CHECKS = [
  'CA_CERTIFICATE_KEY_QUALITY_CHECK',
  'DEVICE_CERTIFICATE_KEY_QUALITY_CHECK',
  'DEVICE_CERTIFICATE_SHARED_CHECK',
  'INTERMEDIATE_CA_REVOKED_FOR_ACTIVE_DEVICE_CERTIFICATES_CHECK',
  'IOT_POLICY_OVERLY_PERMISSIVE_CHECK',
  'REVOKED_CA_CERTIFICATE_STILL_ACTIVE_CHECK',
  'UNAUTHENTICATED_COGNITO_ROLE_OVERLY_PERMISSIVE_CHECK',
  'AUTHENTICATED_COGNITO_ROLE_OVERLY_PERMISSIVE_CHECK',
  'IOT_ROLE_ALIAS_OVERLY_PERMISSIVE_CHECK',
];

const DAY_SECS = 86_400;

/** The bundled IoT fleet detections, over Device Defender metrics exported to the SIEM (reference pipeline). */
export const BUNDLED_SEARCHES: readonly BundledSearch[] = [
  {
    name: 'iot-new-listening-port',
    description: 'A device listens on a TCP port it did not listen on in its earlier reports of the last 24 hours (e.g. an FTP server on 21). One result per thing and new port.',
    search: `${SOURCETYPE} name="aws:listening-tcp-ports" | spath path=value.ports{} output=port | mvexpand port ${firstSeenAfterThing('port')} | table thing, port, first_seen`,
    earliest: '-24h',
    latest: 'now',
    cron: '*/5 * * * *',
    alert: { trigger: { type: 'per_result' }, actions: [], throttle: { periodSecs: DAY_SECS, fields: ['thing', 'port'] } },
  },
  {
    name: 'iot-bytes-out-spike',
    description: 'A device sent more than 10x its own median bytes-out of the last 7 days (and over 100 kB) in one report of the last 15 minutes. Needs 12 reports of history.',
    search: `${SOURCETYPE} name="aws:all-bytes-out" | spath path=value.count output=bytes | eval recent_bytes=if(_time >= relative_time(now(), "-15m"), bytes, null()) | stats perc50(bytes) as weekly_median, max(recent_bytes) as recent_bytes, count as reports by thing | where reports >= 12 AND recent_bytes > 10 * weekly_median AND recent_bytes > 100000 | eval ratio=round(recent_bytes / weekly_median, 1) | table thing, recent_bytes, weekly_median, ratio, reports`,
    earliest: '-7d',
    latest: 'now',
    cron: '*/5 * * * *',
    alert: { trigger: { type: 'per_result' }, actions: [], throttle: { periodSecs: 3600, fields: ['thing'] } },
  },
  {
    name: 'iot-authorization-failure-burst',
    description: 'A device had 5 or more authorization failures (publishes or subscribes its policy denies) in the last 15 minutes.',
    search: `${SOURCETYPE} name="aws:num-authorization-failures" | spath path=value.count output=failures | stats sum(failures) as failures, max(_time) as last_seen by thing | where failures >= 5 | eval last_seen=strftime(last_seen, "%Y-%m-%dT%H:%M:%SZ") | table thing, failures, last_seen`,
    earliest: '-15m',
    latest: 'now',
    cron: '*/5 * * * *',
    alert: { trigger: { type: 'per_result' }, actions: [], throttle: { periodSecs: 3600, fields: ['thing'] } },
  },
  {
    name: 'iot-connect-flapping',
    description: 'A device disconnected 5 or more times (or tried to connect 6 or more times) in the last 30 minutes. Needs aws:num-disconnects / aws:num-connection-attempts exported by a security profile.',
    search: `${SOURCETYPE} name IN ("aws:num-disconnects", "aws:num-connection-attempts") | spath path=value.count output=n | eval disconnects=if(name="aws:num-disconnects", tonumber(n), 0), attempts=if(name="aws:num-connection-attempts", tonumber(n), 0) | stats sum(disconnects) as disconnects, sum(attempts) as connection_attempts by thing | where disconnects >= 5 OR connection_attempts >= 6 | table thing, disconnects, connection_attempts`,
    earliest: '-30m',
    latest: 'now',
    cron: '*/5 * * * *',
    alert: { trigger: { type: 'per_result' }, actions: [], throttle: { periodSecs: 3600, fields: ['thing'] } },
  },
  {
    name: 'iot-new-source-ip',
    description: 'A device connects from a source IP address it did not use in its earlier reports of the last 7 days.',
    search: `${SOURCETYPE} name="aws:source-ip-address" | spath path=value.cidrs{} output=source_ip | mvexpand source_ip ${firstSeenAfterThing('source_ip')} | table thing, source_ip, first_seen`,
    earliest: '-7d',
    latest: 'now',
    cron: '*/5 * * * *',
    alert: { trigger: { type: 'per_result' }, actions: [], throttle: { periodSecs: DAY_SECS, fields: ['thing', 'source_ip'] } },
  },
  {
    name: 'iot-critical-audit-findings',
    description: 'An audit check of CRITICAL severity completed non-compliant (audit notifications in the SIEM, reference pipeline §4).',
    search: `${SOURCETYPE} checkRunStatus=COMPLETED_NON_COMPLIANT checkName IN (${CRITICAL_CHECKS.join(', ')}) | eval severity="CRITICAL" | table _time, checkName, severity, nonCompliantResourcesCount, totalResourcesCount`,
    earliest: '-1h',
    latest: 'now',
    cron: '*/15 * * * *',
    alert: { trigger: { type: 'per_result' }, actions: [], throttle: { periodSecs: DAY_SECS, fields: ['checkName'] } },
  },
];
