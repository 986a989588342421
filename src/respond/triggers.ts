import type { AuditFinding, MetricValue, Playbook, Violation, ViolationEventType } from '../model/index.js';
import { rowVariables } from './variables.js';

/** One trigger occurrence a playbook matched: its variables, a line saying what it was, when it happened. */
export interface TriggerMatch {
  readonly variables: Readonly<Record<string, string>>;
  readonly summary: string;
  readonly time: number;
}

function text(value: string | readonly string[] | undefined): string | undefined {
  return value === undefined ? undefined : typeof value === 'string' ? value : value.join(',');
}

/** A per-result alert: `${row.FIELD}` for every field, `${thing}` from `thing`/`thingName`, `${port}`, `${certificate_id}` when the row has them. */
export function alertMatch(playbook: Playbook, search: string, row: Readonly<Record<string, string | readonly string[]>>, time: number): TriggerMatch[] {
  if (playbook.trigger.type !== 'alert' || playbook.trigger.search !== search) return [];
  const thing = text(row['thing']) ?? text(row['thingName']) ?? '';
  const port = text(row['port']);
  const certificate = text(row['certificate_id']) ?? text(row['certificateId']);
  return [{
    variables: { ...rowVariables(row), search, thing, ...(port === undefined ? {} : { port }), ...(certificate === undefined ? {} : { certificate_id: certificate }) },
    summary: `alert ${search}: ${thing === '' ? JSON.stringify(row).slice(0, 200) : `thing ${thing}`}${port === undefined ? '' : ` port ${port}`}`,
    time,
  }];
}

/** Ports of the value outside the behavior's expected set (in-port-set), else all of them. */
function portsOf(violation: Violation, value: MetricValue | undefined): string | undefined {
  const ports = value?.ports;
  if (ports === undefined) return undefined;
  const criteria = violation.behavior.criteria;
  const expected = criteria?.comparisonOperator === 'in-port-set' ? new Set(criteria.value?.ports ?? []) : new Set<number>();
  return ports.filter((p) => !expected.has(p)).join(',');
}

/** A violation event: `${thing}`, `${profile}`, `${behavior}`, `${metric}`, `${violation_id}`, `${value}` (JSON), `${port}` for port metrics. */
export function violationMatch(playbook: Playbook, violation: Violation, eventType: ViolationEventType, time: number): TriggerMatch[] {
  const trigger = playbook.trigger;
  if (trigger.type !== 'violation') return [];
  if (violation.suppressed) return [];
  if ((trigger.event ?? 'in-alarm') !== eventType) return [];
  if (trigger.profile !== undefined && trigger.profile !== violation.profileName) return [];
  if (trigger.behavior !== undefined && trigger.behavior !== violation.behavior.name) return [];
  if (trigger.metric !== undefined && trigger.metric !== violation.behavior.metric) return [];
  const port = portsOf(violation, violation.lastValue);
  return [{
    variables: {
      thing: violation.thingName,
      profile: violation.profileName,
      behavior: violation.behavior.name,
      metric: violation.behavior.metric ?? '',
      violation_id: violation.violationId,
      event: eventType,
      value: JSON.stringify(violation.lastValue ?? {}),
      ...(port === undefined ? {} : { port }),
    },
    summary: `violation ${eventType}: ${violation.thingName} ${violation.profileName}/${violation.behavior.name}${port === undefined ? '' : ` port ${port}`}`,
    time,
  }];
}

/** An audit finding (not suppressed): `${check}`, `${severity}`, `${certificate_id}`, `${client_id}`, `${finding_id}`, `${reason}`. */
export function findingMatch(playbook: Playbook, finding: AuditFinding): TriggerMatch[] {
  const trigger = playbook.trigger;
  if (trigger.type !== 'audit_finding' || finding.isSuppressed) return [];
  if (trigger.check !== undefined && trigger.check !== finding.checkName) return [];
  if (trigger.severity !== undefined && trigger.severity !== finding.severity) return [];
  const id = finding.nonCompliantResource.resourceIdentifier;
  const certificate = id.deviceCertificateId?.replace(/^0x/i, '').toLowerCase();
  return [{
    variables: {
      check: finding.checkName,
      severity: finding.severity,
      finding_id: finding.findingId,
      reason: finding.reasonForNonCompliance,
      ...(certificate === undefined ? {} : { certificate_id: certificate }),
      ...(id.clientId === undefined ? {} : { client_id: id.clientId }),
    },
    summary: `audit finding ${finding.checkName} (${finding.severity})${certificate === undefined ? '' : ` certificate ${certificate}`}`,
    time: finding.findingTime,
  }];
}
