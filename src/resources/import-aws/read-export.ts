import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import { join } from 'node:path';
import { VigilError } from '../../core/index.js';
import { iotResource, parseArn } from '../../protocol/index.js';
import { RULE_ACTIONS } from '../../rules/index.js';
import { defined, type Spec } from '../resource-kind.js';

/** Something in the export that Vigil does not take over, with why and what to do. */
export interface NotCarried {
  /** `certificate`, `topic rule`, `policy target`, … */
  readonly what: string;
  readonly name: string;
  /** The export file it came from (relative to the export directory). */
  readonly file: string;
  readonly reason: string;
}

/** The source account (`account.json`). */
export interface SourceAccount {
  readonly region: string;
  readonly accountId: string;
}

/**
 * An export directory read into resource specs, keyed like resources files (`policies`, `things`, …)
 * plus the import-only keys (`thing_types`, `ca_certificates`, `certificates`, `policy_attachments`,
 * `thing_principals`). References (policy targets, thing principals, profile targets) are kept as
 * short resources (`cert/<id>`, `thinggroup/<name>`) so they compare across accounts.
 */
export interface AwsExport {
  readonly dir: string;
  readonly account: SourceAccount;
  readonly items: ReadonlyMap<string, readonly Spec[]>;
  readonly notCarried: readonly NotCarried[];
}

type Json = Record<string, unknown>;

class ExportReader {
  readonly problems: string[] = [];
  readonly notCarried: NotCarried[] = [];
  constructor(readonly dir: string) {}

  /** A JSON object file, or undefined (with a problem naming the file) when it is unreadable. */
  read(file: string): Json | undefined {
    const path = join(this.dir, file);
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      this.problems.push(`${file}: cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
      return undefined;
    }
    try {
      const value = JSON.parse(text) as unknown;
      if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Json;
      this.problems.push(`${file}: expected a JSON object (the AWS CLI's --output json)`);
    } catch (error) {
      this.problems.push(`${file}: not valid JSON (${(error as Error).message})`);
    }
    return undefined;
  }

  optional(file: string): Json | undefined {
    return existsSync(join(this.dir, file)) ? this.read(file) : undefined;
  }

  /** The `.json` files of a subfolder whose names do not end in one of `exclude` (e.g. `.targets.json`). */
  files(folder: string, exclude: readonly string[] = []): string[] {
    const path = join(this.dir, folder);
    if (!existsSync(path)) return [];
    return readdirSync(path)
      .filter((f) => f.endsWith('.json') && !exclude.some((x) => f.endsWith(x)))
      .sort()
      .map((f) => `${folder}/${f}`);
  }

  string(file: string, object: Json | undefined, field: string, optional = false): string | undefined {
    const value = object?.[field];
    if (typeof value === 'string' && value !== '') return value;
    if (value === undefined && optional) return undefined;
    if (object !== undefined) this.problems.push(`${file}: field ${field} ${value === undefined ? 'is missing' : 'must be a non-empty string'}`);
    return undefined;
  }

  strings(file: string, object: Json | undefined, field: string): string[] {
    const value = object?.[field] ?? [];
    if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value as string[];
    this.problems.push(`${file}: field ${field} must be a list of strings`);
    return [];
  }

  object(file: string, object: Json | undefined, field: string): Json | undefined {
    const value = object?.[field];
    if (value === undefined || value === null) return undefined;
    if (typeof value === 'object' && !Array.isArray(value)) return value as Json;
    this.problems.push(`${file}: field ${field} must be an object`);
    return undefined;
  }

  skip(what: string, name: string, file: string, reason: string): void {
    this.notCarried.push({ what, name, file, reason });
  }
}

/** `cert/<id>` / `thinggroup/<name>` / … from an ARN (or what a short form already is). */
function shortResource(arn: string): string {
  return parseArn(arn) === undefined ? arn : iotResource(arn);
}

function attributes(value: unknown): Record<string, string> | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => typeof v === 'string') as Array<[string, string]>;
  return entries.length === 0 ? undefined : Object.fromEntries(entries);
}

function readCertificates(r: ExportReader, items: Map<string, Spec[]>): Set<string> {
  const cas: Array<{ id: string; pem: string; x509: X509Certificate | undefined }> = [];
  for (const file of r.files('ca-certificates')) {
    const d = r.object(file, r.read(file), 'certificateDescription');
    const id = r.string(file, d, 'certificateId');
    const pem = r.string(file, d, 'certificatePem');
    const status = r.string(file, d, 'status');
    if (id === undefined || pem === undefined || status === undefined) continue;
    cas.push({ id, pem, x509: parseX509(pem) });
    items.get('ca_certificates')?.push({ certificateId: id, certificatePem: pem, status: status === 'ACTIVE' ? 'ACTIVE' : 'INACTIVE' });
  }
  const carried = new Set<string>();
  for (const file of r.files('certificates')) {
    const d = r.object(file, r.read(file), 'certificateDescription');
    const id = r.string(file, d, 'certificateId');
    const pem = r.string(file, d, 'certificatePem');
    const status = r.string(file, d, 'status');
    if (id === undefined || pem === undefined || status === undefined) continue;
    const caId = r.string(file, d, 'caCertificateId', true);
    const x509 = parseX509(pem);
    const issuer = cas.find((ca) => ca.id === caId) ?? cas.find((ca) => ca.x509 !== undefined && x509 !== undefined && x509.checkIssued(ca.x509) && x509.verify(ca.x509.publicKey));
    if (issuer === undefined) {
      r.skip('certificate', id, file, `Amazon-issued (no CA in the export issued it${x509 === undefined ? '' : `; issuer ${x509.issuer.replace(/\n/g, ', ')}`}): its private key stays with AWS's CA chain; issue a new certificate (vigil cert issue --thing NAME --out DIR --policy POLICY) and rotate the device`);
      continue;
    }
    if (status === 'PENDING_TRANSFER' || status === 'PENDING_ACTIVATION' || status === 'REGISTER_INACTIVE') {
      r.skip('certificate', id, file, `status ${status} has no meaning outside AWS; set it ACTIVE or INACTIVE in AWS and export again, or register it by hand (vigil cert register)`);
      continue;
    }
    carried.add(id);
    items.get('certificates')?.push({ certificateId: id, certificatePem: pem, caCertificatePem: issuer.pem, status });
  }
  return carried;
}

function parseX509(pem: string): X509Certificate | undefined {
  try {
    return new X509Certificate(pem);
  } catch {
    return undefined;
  }
}

/** A principal or policy target this import can carry (`cert/<id>` of a carried certificate, `thinggroup/<name>`), else why not. */
function carriedReference(ref: string, certificates: ReadonlySet<string>, groups: ReadonlySet<string>): { ok: string } | { reason: string } {
  const short = shortResource(ref);
  if (short.startsWith('cert/')) {
    return certificates.has(short.slice(5)) ? { ok: short } : { reason: `certificate ${short.slice(5)} is not carried over (see its own line)` };
  }
  if (short.startsWith('thinggroup/')) return groups.has(short.slice(11)) ? { ok: short } : { reason: `thing group ${short.slice(11)} is not in the export` };
  return { reason: `${ref}: Vigil authorizes devices by X.509 certificates only (Cognito identities and IAM principals have no meaning here)` };
}

/**
 * Reads the directory `scripts/export-aws-iot.sh` writes. Every file that is missing a required field
 * or is not JSON is reported (all at once, by file and field) and nothing is returned; items Vigil
 * cannot carry over are listed with the reason and the rest goes on.
 */
export function readAwsExport(dir: string): AwsExport {
  if (!existsSync(dir)) throw new VigilError('import.invalid', `${dir}: no such directory`, { hint: 'export the account first: scripts/export-aws-iot.sh <dir>' });
  const r = new ExportReader(dir);
  const accountFile = r.read('account.json');
  const region = r.string('account.json', accountFile, 'region');
  const accountId = r.string('account.json', accountFile, 'accountId');
  if (accountId !== undefined && !/^[0-9]{12}$/.test(accountId)) r.problems.push(`account.json: field accountId must be 12 digits (got ${accountId})`);
  if (region !== undefined && !/^[a-z0-9-]{1,32}$/.test(region)) r.problems.push(`account.json: field region is not a region name (got ${region})`);

  const keys = ['thing_types', 'ca_certificates', 'certificates', 'policies', 'thing_groups', 'policy_attachments', 'things', 'thing_principals', 'topics', 'topic_rules', 'custom_metrics', 'dimensions', 'mitigation_actions', 'security_profiles', 'audit_configuration', 'scheduled_audits'];
  const items = new Map<string, Spec[]>(keys.map((k) => [k, []]));
  const push = (key: string, spec: Spec): void => void items.get(key)?.push(spec);

  for (const folder of ['', 'things', 'thing-groups', 'policies', 'ca-certificates', 'certificates', 'security-profiles', 'custom-metrics', 'dimensions', 'scheduled-audits', 'mitigation-actions', 'topic-rules']) {
    const path = join(dir, folder);
    if (!existsSync(path)) continue;
    for (const f of readdirSync(path).filter((name) => name.endsWith('.err')).sort()) {
      const file = folder === '' ? f : `${folder}/${f}`;
      r.skip('export', file.slice(0, -4), file, `the export command failed: ${readFileSync(join(dir, file), 'utf8').trim().split('\n')[0] ?? ''}`);
    }
  }

  const certificates = readCertificates(r, items);

  const groupNames = new Set<string>();
  const groupMembers = new Map<string, string[]>();
  for (const file of r.files('thing-groups', ['.things.json'])) {
    const g = r.read(file);
    const name = r.string(file, g, 'thingGroupName');
    if (name === undefined) continue;
    groupNames.add(name);
    const properties = r.object(file, g, 'thingGroupProperties');
    const metadata = r.object(file, g, 'thingGroupMetadata');
    push('thing_groups', defined({ thingGroupName: name, parentGroupName: r.string(file, metadata, 'parentGroupName', true), description: r.string(file, properties, 'thingGroupDescription', true), attributes: attributes(r.object(file, properties, 'attributePayload')?.['attributes']) }));
    const membersFile = file.replace(/\.json$/, '.things.json');
    const members = r.optional(membersFile);
    for (const thing of r.strings(membersFile, members, 'things')) groupMembers.set(thing, [...(groupMembers.get(thing) ?? []), name]);
  }
  // Parents before children (the plan creates in list order).
  const groups = items.get('thing_groups') as Spec[];
  const depth = (spec: Spec, seen = 0): number => {
    const parent = groups.find((g) => g['thingGroupName'] === spec['parentGroupName']);
    return parent === undefined || seen > 7 ? 0 : 1 + depth(parent, seen + 1);
  };
  groups.sort((a, b) => depth(a) - depth(b));

  const thingTypes = new Set<string>();
  for (const file of r.files('things', ['.principals.json'])) {
    const t = r.read(file);
    const name = r.string(file, t, 'thingName');
    if (name === undefined) continue;
    const type = r.string(file, t, 'thingTypeName', true);
    if (type !== undefined) thingTypes.add(type);
    push('things', defined({ thingName: name, thingTypeName: type, attributes: attributes(t?.['attributes']), thingGroups: [...(groupMembers.get(name) ?? [])].sort() }));
    const principalsFile = file.replace(/\.json$/, '.principals.json');
    for (const principal of r.strings(principalsFile, r.optional(principalsFile), 'principals')) {
      const ref = carriedReference(principal, certificates, groupNames);
      if ('ok' in ref && ref.ok.startsWith('cert/')) push('thing_principals', { name: `${name} ${ref.ok}`, thingName: name, principal: ref.ok });
      else r.skip('thing principal', `${name} ${shortResource(principal)}`, principalsFile, 'reason' in ref ? ref.reason : 'not a certificate');
    }
  }
  for (const type of [...thingTypes].sort()) push('thing_types', { thingTypeName: type });

  for (const file of r.files('policies', ['.targets.json'])) {
    const p = r.read(file);
    const name = r.string(file, p, 'policyName');
    const document = r.string(file, p, 'policyDocument');
    if (name === undefined || document === undefined) continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(document);
    } catch {
      r.problems.push(`${file}: field policyDocument is not JSON`);
      continue;
    }
    push('policies', { policyName: name, policyDocument: parsed });
    const targetsFile = file.replace(/\.json$/, '.targets.json');
    for (const target of r.strings(targetsFile, r.optional(targetsFile), 'targets')) {
      const ref = carriedReference(target, certificates, groupNames);
      if ('ok' in ref) push('policy_attachments', { name: `${name} ${ref.ok}`, policyName: name, target: ref.ok });
      else r.skip('policy target', `${name} ${shortResource(target)}`, targetsFile, ref.reason);
    }
  }

  const snsTopics = new Set<string>();
  const noteTopic = (arn: unknown): void => {
    const parsed = typeof arn === 'string' ? parseArn(arn) : undefined;
    if (parsed?.service === 'sns') snsTopics.add(parsed.resource);
  };

  for (const file of r.files('custom-metrics')) {
    const m = r.read(file);
    const name = r.string(file, m, 'metricName');
    const type = r.string(file, m, 'metricType');
    if (name !== undefined && type !== undefined) push('custom_metrics', defined({ metricName: name, metricType: type, displayName: r.string(file, m, 'displayName', true) }));
  }
  for (const file of r.files('dimensions')) {
    const d = r.read(file);
    const name = r.string(file, d, 'name');
    if (name !== undefined) push('dimensions', defined({ name, type: r.string(file, d, 'type', true), stringValues: r.strings(file, d, 'stringValues') }));
  }
  for (const file of r.files('mitigation-actions')) {
    const a = r.read(file);
    const name = r.string(file, a, 'actionName');
    const roleArn = r.string(file, a, 'roleArn');
    const params = r.object(file, a, 'actionParams');
    if (name === undefined || roleArn === undefined || params === undefined) continue;
    noteTopic((params['publishFindingToSnsParams'] as Json | undefined)?.['topicArn']);
    push('mitigation_actions', { actionName: name, roleArn, actionParams: params });
  }
  for (const file of r.files('security-profiles', ['.targets.json'])) {
    const p = r.read(file);
    const name = r.string(file, p, 'securityProfileName');
    if (name === undefined || p === undefined) continue;
    const alertTargets = r.object(file, p, 'alertTargets');
    for (const target of Object.values(alertTargets ?? {})) noteTopic((target as Json | undefined)?.['alertTargetArn']);
    const targetsFile = file.replace(/\.json$/, '.targets.json');
    const listed = r.optional(targetsFile)?.['securityProfileTargets'];
    const targets: string[] = [];
    for (const [i, t] of (Array.isArray(listed) ? listed : []).entries()) {
      const arn = r.string(`${targetsFile} securityProfileTargets[${i}]`, t as Json, 'arn');
      if (arn === undefined) continue;
      const short = shortResource(arn);
      if (short.startsWith('thinggroup/') && !groupNames.has(short.slice(11))) r.skip('profile target', `${name} ${short}`, targetsFile, `thing group ${short.slice(11)} is not in the export`);
      else targets.push(short);
    }
    const description = r.string(file, p, 'securityProfileDescription', true);
    push('security_profiles', defined({
      securityProfileName: name,
      securityProfileDescription: description,
      behaviors: Array.isArray(p['behaviors']) && p['behaviors'].length > 0 ? p['behaviors'] : undefined,
      alertTargets: alertTargets !== undefined && Object.keys(alertTargets).length > 0 ? alertTargets : undefined,
      additionalMetricsToRetainV2: Array.isArray(p['additionalMetricsToRetainV2']) && p['additionalMetricsToRetainV2'].length > 0 ? p['additionalMetricsToRetainV2'] : undefined,
      metricsExportConfig: r.object(file, p, 'metricsExportConfig'),
      targets: targets.sort(),
    }));
  }
  const audit = r.optional('audit-configuration.json');
  if (audit !== undefined) {
    const targets = r.object('audit-configuration.json', audit, 'auditNotificationTargetConfigurations');
    for (const target of Object.values(targets ?? {})) noteTopic((target as Json | undefined)?.['targetArn']);
    push('audit_configuration', defined({ name: 'account', roleArn: r.string('audit-configuration.json', audit, 'roleArn', true), auditNotificationTargetConfigurations: targets, auditCheckConfigurations: r.object('audit-configuration.json', audit, 'auditCheckConfigurations') ?? {} }));
  }
  for (const file of r.files('scheduled-audits')) {
    const a = r.read(file);
    const name = r.string(file, a, 'scheduledAuditName');
    const frequency = r.string(file, a, 'frequency');
    if (name === undefined || frequency === undefined) continue;
    push('scheduled_audits', defined({ scheduledAuditName: name, frequency, dayOfMonth: r.string(file, a, 'dayOfMonth', true), dayOfWeek: r.string(file, a, 'dayOfWeek', true), targetCheckNames: r.strings(file, a, 'targetCheckNames') }));
  }
  for (const file of r.files('topic-rules')) {
    const rule = r.object(file, r.read(file), 'rule');
    const name = r.string(file, rule, 'ruleName');
    const sql = r.string(file, rule, 'sql');
    if (name === undefined || sql === undefined || rule === undefined) continue;
    const actions = Array.isArray(rule['actions']) ? (rule['actions'] as Json[]) : [];
    const errorAction = rule['errorAction'] as Json | undefined;
    const unsupported = [...actions, ...(errorAction === undefined ? [] : [errorAction])].flatMap((a) => Object.keys(a)).filter((type) => RULE_ACTIONS[type] === undefined);
    if (unsupported.length > 0) {
      r.skip('topic rule', name, file, `action${unsupported.length === 1 ? '' : 's'} ${[...new Set(unsupported)].join(', ')} not supported by Vigil (supported: ${Object.keys(RULE_ACTIONS).join(', ')}); recreate the rule without it, e.g. republish to a topic your own consumer reads`);
      continue;
    }
    for (const a of actions) noteTopic((a['sns'] as Json | undefined)?.['targetArn']);
    push('topic_rules', defined({ ruleName: name, sql, description: r.string(file, rule, 'description', true), actions, errorAction, ruleDisabled: rule['ruleDisabled'] === true, awsIotSqlVersion: r.string(file, rule, 'awsIotSqlVersion', true) }));
  }
  for (const topic of [...snsTopics].sort()) push('topics', { name: topic });

  if (r.problems.length > 0) {
    throw new VigilError('import.invalid', `${dir}: ${r.problems.length} problem${r.problems.length === 1 ? '' : 's'}:\n  ${r.problems.join('\n  ')}`, { details: { problems: r.problems }, hint: 'nothing was changed; fix the files (or export again with scripts/export-aws-iot.sh)' });
  }
  return { dir, account: { region: region as string, accountId: accountId as string }, items, notCarried: r.notCarried };
}
