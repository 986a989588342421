import { describe, expect, it } from 'vitest';
import { unwrap } from '../../core/index.js';
import type { PolicyContext } from './context.js';
import { compilePolicy, type CompiledPolicy } from './document.js';
import { evaluatePolicies, explainPolicies } from './evaluate.js';

const ARN = 'arn:aws:iot:local:000000000000';
const policy = (name: string, ...statements: unknown[]): CompiledPolicy => unwrap(compilePolicy(name, '1', JSON.stringify({ Version: '2012-10-17', Statement: statements })));
const allow = (Action: string | string[], Resource: string | string[], Condition?: unknown) => ({ Effect: 'Allow', Action, Resource, ...(Condition === undefined ? {} : { Condition }) });
const deny = (Action: string | string[], Resource: string | string[], Condition?: unknown) => ({ Effect: 'Deny', Action, Resource, ...(Condition === undefined ? {} : { Condition }) });

const cert = {
  subject: { CommonName: ['pump-1'], Organization: ['Acme'], OrganizationalUnit: ['plant-a', 'line-1'], Country: ['DE'] },
  issuer: { CommonName: ['Vigil CA'], Organization: ['Vigil'] },
  subjectAlternativeNames: { DNSName: ['pump-1.acme.test', 'alt.acme.test'], IPAddress: ['10.0.0.5'] },
  issuerAlternativeNames: {},
  serialNumber: '0A1B2C',
};
const attached: PolicyContext = { clientId: 'pump-1', sourceIp: '10.1.2.3', thing: { thingName: 'pump-1', thingTypeName: 'pump', attributes: { site: 'north' } }, certificate: cert };
const unattached: PolicyContext = { clientId: 'pump-1', sourceIp: '192.168.1.9', certificate: cert };

/** reference-pipeline.md §1: the device policy attached to each device certificate. */
const devicePolicy = policy(
  'vigil-device-defender',
  allow('iot:Connect', `${ARN}:client/\${iot:Connection.Thing.ThingName}`),
  allow('iot:Publish', `${ARN}:topic/$aws/things/\${iot:Connection.Thing.ThingName}/defender/*`),
  allow('iot:Subscribe', `${ARN}:topicfilter/$aws/things/\${iot:Connection.Thing.ThingName}/defender/*`),
  allow('iot:Receive', `${ARN}:topic/$aws/things/\${iot:Connection.Thing.ThingName}/defender/*`),
);

interface Row {
  readonly name: string;
  readonly policies: readonly CompiledPolicy[];
  readonly action: string;
  readonly resource: string;
  readonly context?: PolicyContext;
  readonly expected: 'allow' | 'explicit_deny' | 'implicit_deny';
}

const rows: Row[] = [
  // IAM evaluation
  { name: 'implicit deny with no policy', policies: [], action: 'iot:Connect', resource: `${ARN}:client/pump-1`, expected: 'implicit_deny' },
  { name: 'implicit deny when no statement matches', policies: [policy('p', allow('iot:Publish', `${ARN}:topic/a`))], action: 'iot:Publish', resource: `${ARN}:topic/b`, expected: 'implicit_deny' },
  { name: 'an Allow grants', policies: [policy('p', allow('iot:Publish', `${ARN}:topic/a`))], action: 'iot:Publish', resource: `${ARN}:topic/a`, expected: 'allow' },
  { name: 'an explicit Deny overrides an Allow in the same policy', policies: [policy('p', allow('iot:*', '*'), deny('iot:Publish', `${ARN}:topic/secret`))], action: 'iot:Publish', resource: `${ARN}:topic/secret`, expected: 'explicit_deny' },
  { name: 'an explicit Deny in one policy overrides an Allow in another (combined policies)', policies: [policy('a', allow('iot:Publish', '*')), policy('b', deny('iot:Publish', `${ARN}:topic/x/*`))], action: 'iot:Publish', resource: `${ARN}:topic/x/y`, expected: 'explicit_deny' },
  { name: 'a Deny that does not match leaves the Allow', policies: [policy('a', allow('iot:Publish', '*'), deny('iot:Publish', `${ARN}:topic/x/*`))], action: 'iot:Publish', resource: `${ARN}:topic/y`, expected: 'allow' },
  { name: 'Action and Resource lists match any element', policies: [policy('p', allow(['iot:Subscribe', 'iot:Publish'], [`${ARN}:topic/a`, `${ARN}:topic/b`]))], action: 'iot:Publish', resource: `${ARN}:topic/b`, expected: 'allow' },
  { name: 'action names are case-insensitive', policies: [policy('p', allow('iot:publish', '*'))], action: 'iot:Publish', resource: `${ARN}:topic/a`, expected: 'allow' },
  { name: 'resources are case-sensitive', policies: [policy('p', allow('iot:Publish', `${ARN}:topic/Sensors`))], action: 'iot:Publish', resource: `${ARN}:topic/sensors`, expected: 'implicit_deny' },
  { name: 'NotAction allows everything but the named actions', policies: [policy('p', { Effect: 'Allow', NotAction: 'iot:Connect', Resource: '*' })], action: 'iot:Connect', resource: `${ARN}:client/c`, expected: 'implicit_deny' },
  { name: 'NotResource allows everything but the named resources', policies: [policy('p', { Effect: 'Allow', Action: 'iot:Publish', NotResource: `${ARN}:topic/admin/*` })], action: 'iot:Publish', resource: `${ARN}:topic/data`, expected: 'allow' },
  // wildcards
  { name: '* in an action matches any action', policies: [policy('p', allow('iot:*', `${ARN}:topic/a`))], action: 'iot:Receive', resource: `${ARN}:topic/a`, expected: 'allow' },
  { name: 'a partial action wildcard (iot:Pub*)', policies: [policy('p', allow('iot:Pub*', '*'))], action: 'iot:Publish', resource: `${ARN}:topic/a`, expected: 'allow' },
  { name: '* crosses / levels in a resource', policies: [policy('p', allow('iot:Publish', `${ARN}:topic/sensors/*`))], action: 'iot:Publish', resource: `${ARN}:topic/sensors/a/b/c`, expected: 'allow' },
  { name: '? matches exactly one character', policies: [policy('p', allow('iot:Publish', `${ARN}:topic/room?`))], action: 'iot:Publish', resource: `${ARN}:topic/room7`, expected: 'allow' },
  { name: '? does not match two characters', policies: [policy('p', allow('iot:Publish', `${ARN}:topic/room?`))], action: 'iot:Publish', resource: `${ARN}:topic/room17`, expected: 'implicit_deny' },
  { name: '+ is literal: topic/a/+ does not grant topic a/b', policies: [policy('p', allow('iot:Publish', `${ARN}:topic/a/+`))], action: 'iot:Publish', resource: `${ARN}:topic/a/b`, expected: 'implicit_deny' },
  { name: '# is literal: topicfilter/a/# does not grant the filter a/b', policies: [policy('p', allow('iot:Subscribe', `${ARN}:topicfilter/a/#`))], action: 'iot:Subscribe', resource: `${ARN}:topicfilter/a/b`, expected: 'implicit_deny' },
  { name: '# is literal: topicfilter/a/# grants exactly the filter a/#', policies: [policy('p', allow('iot:Subscribe', `${ARN}:topicfilter/a/#`))], action: 'iot:Subscribe', resource: `${ARN}:topicfilter/a/#`, expected: 'allow' },
  { name: '${*} is a literal star, not a wildcard', policies: [policy('p', allow('iot:Publish', `${ARN}:topic/a/\${*}`))], action: 'iot:Publish', resource: `${ARN}:topic/a/b`, expected: 'implicit_deny' },
  { name: '${*} matches a literal star', policies: [policy('p', allow('iot:Publish', `${ARN}:topic/a/\${*}`))], action: 'iot:Publish', resource: `${ARN}:topic/a/*`, expected: 'allow' },
  { name: '${?} matches a literal question mark', policies: [policy('p', allow('iot:Publish', `${ARN}:topic/what\${?}`))], action: 'iot:Publish', resource: `${ARN}:topic/what?`, expected: 'allow' },
  { name: '${$} matches a literal dollar', policies: [policy('p', allow('iot:Publish', `${ARN}:topic/\${$}aws/x`))], action: 'iot:Publish', resource: `${ARN}:topic/$aws/x`, expected: 'allow' },
  // policy variables
  { name: '${iot:ClientId} is substituted', policies: [policy('p', allow('iot:Connect', `${ARN}:client/\${iot:ClientId}`))], action: 'iot:Connect', resource: `${ARN}:client/pump-1`, context: unattached, expected: 'allow' },
  { name: 'a variable value is literal: client id "a*" does not act as a wildcard', policies: [policy('p', allow('iot:Publish', `${ARN}:topic/\${iot:ClientId}`))], action: 'iot:Publish', resource: `${ARN}:topic/abc`, context: { clientId: 'a*' }, expected: 'implicit_deny' },
  { name: 'thing name variable resolves when the client id is an attached thing', policies: [policy('p', allow('iot:Publish', `${ARN}:topic/t/\${iot:Connection.Thing.ThingName}`))], action: 'iot:Publish', resource: `${ARN}:topic/t/pump-1`, context: attached, expected: 'allow' },
  { name: 'thing name variable does not resolve when the thing is not attached: the statement grants nothing', policies: [policy('p', allow('iot:Publish', `${ARN}:topic/t/\${iot:Connection.Thing.ThingName}`))], action: 'iot:Publish', resource: `${ARN}:topic/t/pump-1`, context: unattached, expected: 'implicit_deny' },
  { name: 'an unresolved variable in a Deny does not deny', policies: [policy('p', allow('iot:Publish', '*'), deny('iot:Publish', `${ARN}:topic/t/\${iot:Connection.Thing.ThingName}`))], action: 'iot:Publish', resource: `${ARN}:topic/t/pump-1`, context: unattached, expected: 'allow' },
  { name: 'thing type name variable', policies: [policy('p', allow('iot:Publish', `${ARN}:topic/types/\${iot:Connection.Thing.ThingTypeName}/*`))], action: 'iot:Publish', resource: `${ARN}:topic/types/pump/x`, context: attached, expected: 'allow' },
  { name: 'thing attribute variable', policies: [policy('p', allow('iot:Publish', `${ARN}:topic/sites/\${iot:Connection.Thing.Attributes[site]}`))], action: 'iot:Publish', resource: `${ARN}:topic/sites/north`, context: attached, expected: 'allow' },
  { name: 'a missing thing attribute matches nothing', policies: [policy('p', allow('iot:Publish', `${ARN}:topic/sites/\${iot:Connection.Thing.Attributes[floor]}`))], action: 'iot:Publish', resource: `${ARN}:topic/sites/`, context: attached, expected: 'implicit_deny' },
  { name: 'certificate subject common name variable', policies: [policy('p', allow('iot:Publish', `${ARN}:topic/cn/\${iot:Certificate.Subject.CommonName}`))], action: 'iot:Publish', resource: `${ARN}:topic/cn/pump-1`, context: unattached, expected: 'allow' },
  { name: 'certificate issuer organization variable', policies: [policy('p', allow('iot:Publish', `${ARN}:topic/\${iot:Certificate.Issuer.Organization}/x`))], action: 'iot:Publish', resource: `${ARN}:topic/Vigil/x`, context: unattached, expected: 'allow' },
  { name: 'a multi-valued attribute substitutes its first value', policies: [policy('p', allow('iot:Publish', `${ARN}:topic/\${iot:Certificate.Subject.OrganizationalUnit}`))], action: 'iot:Publish', resource: `${ARN}:topic/line-1`, context: unattached, expected: 'implicit_deny' },
  { name: 'the first value of a multi-valued attribute matches', policies: [policy('p', allow('iot:Publish', `${ARN}:topic/\${iot:Certificate.Subject.OrganizationalUnit}`))], action: 'iot:Publish', resource: `${ARN}:topic/plant-a`, context: unattached, expected: 'allow' },
  { name: 'certificate SAN DNS name variable', policies: [policy('p', allow('iot:Publish', `${ARN}:topic/\${iot:Certificate.Subject.AlternativeName.DNSName}`))], action: 'iot:Publish', resource: `${ARN}:topic/pump-1.acme.test`, context: unattached, expected: 'allow' },
  { name: 'certificate serial number variable', policies: [policy('p', allow('iot:Publish', `${ARN}:topic/serial/\${iot:Certificate.SerialNumber}`))], action: 'iot:Publish', resource: `${ARN}:topic/serial/0A1B2C`, context: unattached, expected: 'allow' },
  // conditions
  { name: 'Bool IsAttached "true" holds for an attached thing', policies: [policy('p', allow('iot:Connect', '*', { Bool: { 'iot:Connection.Thing.IsAttached': 'true' } }))], action: 'iot:Connect', resource: `${ARN}:client/pump-1`, context: attached, expected: 'allow' },
  { name: 'Bool IsAttached "true" fails when the client id is not an attached thing', policies: [policy('p', allow('iot:Connect', '*', { Bool: { 'iot:Connection.Thing.IsAttached': 'true' } }))], action: 'iot:Connect', resource: `${ARN}:client/pump-1`, context: unattached, expected: 'implicit_deny' },
  { name: 'Bool accepts a JSON boolean', policies: [policy('p', allow('iot:Connect', '*', { Bool: { 'iot:Connection.Thing.IsAttached': true } }))], action: 'iot:Connect', resource: `${ARN}:client/pump-1`, context: attached, expected: 'allow' },
  { name: 'StringEquals on a thing attribute', policies: [policy('p', allow('iot:Publish', '*', { StringEquals: { 'iot:Connection.Thing.Attributes[site]': 'north' } }))], action: 'iot:Publish', resource: `${ARN}:topic/a`, context: attached, expected: 'allow' },
  { name: 'StringEquals with a list matches any value', policies: [policy('p', allow('iot:Publish', '*', { StringEquals: { 'iot:Connection.Thing.ThingTypeName': ['valve', 'pump'] } }))], action: 'iot:Publish', resource: `${ARN}:topic/a`, context: attached, expected: 'allow' },
  { name: 'StringEquals fails on another value', policies: [policy('p', allow('iot:Publish', '*', { StringEquals: { 'iot:Connection.Thing.Attributes[site]': 'south' } }))], action: 'iot:Publish', resource: `${ARN}:topic/a`, context: attached, expected: 'implicit_deny' },
  { name: 'StringEquals fails when the key is missing', policies: [policy('p', allow('iot:Publish', '*', { StringEquals: { 'iot:Connection.Thing.Attributes[site]': 'north' } }))], action: 'iot:Publish', resource: `${ARN}:topic/a`, context: unattached, expected: 'implicit_deny' },
  { name: 'StringEquals with a variable in the value', policies: [policy('p', allow('iot:Connect', '*', { StringEquals: { 'iot:Certificate.Subject.CommonName': '${iot:ClientId}' } }))], action: 'iot:Connect', resource: `${ARN}:client/pump-1`, context: unattached, expected: 'allow' },
  { name: 'StringNotEquals holds on another value', policies: [policy('p', allow('iot:Publish', '*', { StringNotEquals: { 'iot:Connection.Thing.ThingTypeName': 'valve' } }))], action: 'iot:Publish', resource: `${ARN}:topic/a`, context: attached, expected: 'allow' },
  { name: 'StringNotEquals fails on the named value', policies: [policy('p', allow('iot:Publish', '*', { StringNotEquals: { 'iot:Connection.Thing.ThingTypeName': 'pump' } }))], action: 'iot:Publish', resource: `${ARN}:topic/a`, context: attached, expected: 'implicit_deny' },
  { name: 'StringLike with a wildcard', policies: [policy('p', allow('iot:Connect', '*', { StringLike: { 'iot:ClientId': 'pump-*' } }))], action: 'iot:Connect', resource: `${ARN}:client/pump-1`, context: unattached, expected: 'allow' },
  { name: 'StringLike fails when the pattern does not match', policies: [policy('p', allow('iot:Connect', '*', { StringLike: { 'iot:ClientId': 'valve-*' } }))], action: 'iot:Connect', resource: `${ARN}:client/pump-1`, context: unattached, expected: 'implicit_deny' },
  { name: 'IpAddress holds inside the CIDR block', policies: [policy('p', allow('iot:Connect', '*', { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } }))], action: 'iot:Connect', resource: `${ARN}:client/pump-1`, context: attached, expected: 'allow' },
  { name: 'IpAddress fails outside the CIDR block', policies: [policy('p', allow('iot:Connect', '*', { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } }))], action: 'iot:Connect', resource: `${ARN}:client/pump-1`, context: unattached, expected: 'implicit_deny' },
  { name: 'IpAddress in a Deny blocks a network', policies: [policy('p', allow('iot:Connect', '*'), deny('iot:Connect', '*', { IpAddress: { 'aws:SourceIp': ['192.168.0.0/16', '2001:db8::/32'] } }))], action: 'iot:Connect', resource: `${ARN}:client/pump-1`, context: unattached, expected: 'explicit_deny' },
  { name: 'IpAddress matches an IPv6 source in an IPv6 block', policies: [policy('p', allow('iot:Connect', '*', { IpAddress: { 'aws:SourceIp': '2001:db8::/32' } }))], action: 'iot:Connect', resource: `${ARN}:client/pump-1`, context: { ...attached, sourceIp: '2001:db8::7' }, expected: 'allow' },
  { name: 'IpAddress with a single address (no prefix) matches only it', policies: [policy('p', allow('iot:Connect', '*', { IpAddress: { 'aws:SourceIp': '10.1.2.4' } }))], action: 'iot:Connect', resource: `${ARN}:client/pump-1`, context: attached, expected: 'implicit_deny' },
  { name: 'NotIpAddress holds outside the block', policies: [policy('p', allow('iot:Connect', '*', { NotIpAddress: { 'aws:SourceIp': '192.168.0.0/16' } }))], action: 'iot:Connect', resource: `${ARN}:client/pump-1`, context: attached, expected: 'allow' },
  { name: 'ForAnyValue:StringEquals over a multi-valued key (.List)', policies: [policy('p', allow('iot:Publish', '*', { 'ForAnyValue:StringEquals': { 'iot:Certificate.Subject.OrganizationalUnit.List': 'line-1' } }))], action: 'iot:Publish', resource: `${ARN}:topic/a`, context: unattached, expected: 'allow' },
  { name: 'StringEqualsIfExists holds when the key is absent', policies: [policy('p', allow('iot:Publish', '*', { StringEqualsIfExists: { 'iot:Connection.Thing.ThingTypeName': 'pump' } }))], action: 'iot:Publish', resource: `${ARN}:topic/a`, context: unattached, expected: 'allow' },
  { name: 'every condition must hold (AND across operators and keys)', policies: [policy('p', allow('iot:Publish', '*', { StringEquals: { 'iot:Connection.Thing.ThingTypeName': 'pump' }, IpAddress: { 'aws:SourceIp': '172.16.0.0/12' } }))], action: 'iot:Publish', resource: `${ARN}:topic/a`, context: attached, expected: 'implicit_deny' },
  // the pitfall AWS calls out: a client id "+" makes a ClientId-scoped topic filter a wildcard subscription
  { name: 'pitfall: client id "+" may subscribe to my/+/topic through topicfilter/my/${iot:ClientId}/topic', policies: [policy('p', allow('iot:Connect', `${ARN}:client/*`), allow('iot:Subscribe', `${ARN}:topicfilter/my/\${iot:ClientId}/topic`))], action: 'iot:Subscribe', resource: `${ARN}:topicfilter/my/+/topic`, context: { clientId: '+' }, expected: 'allow' },
  { name: 'pitfall fix: restricting iot:Connect to the thing name refuses client id "+"', policies: [policy('p', allow('iot:Connect', `${ARN}:client/\${iot:Connection.Thing.ThingName}`))], action: 'iot:Connect', resource: `${ARN}:client/+`, context: { clientId: '+', certificate: cert }, expected: 'implicit_deny' },
  // reference-pipeline.md §1: the device policy
  { name: 'device policy: connect with client id = thing name', policies: [devicePolicy], action: 'iot:Connect', resource: `${ARN}:client/pump-1`, context: attached, expected: 'allow' },
  { name: 'device policy: connect with another client id is refused', policies: [devicePolicy], action: 'iot:Connect', resource: `${ARN}:client/intruder`, context: { ...unattached, clientId: 'intruder' }, expected: 'implicit_deny' },
  { name: 'device policy: publish a JSON report', policies: [devicePolicy], action: 'iot:Publish', resource: `${ARN}:topic/$aws/things/pump-1/defender/metrics/json`, context: attached, expected: 'allow' },
  { name: 'device policy: publish a CBOR report', policies: [devicePolicy], action: 'iot:Publish', resource: `${ARN}:topic/$aws/things/pump-1/defender/metrics/cbor`, context: attached, expected: 'allow' },
  { name: "device policy: publish to another thing's report topic is refused", policies: [devicePolicy], action: 'iot:Publish', resource: `${ARN}:topic/$aws/things/pump-2/defender/metrics/json`, context: attached, expected: 'implicit_deny' },
  { name: 'device policy: publish outside the defender topics is refused', policies: [devicePolicy], action: 'iot:Publish', resource: `${ARN}:topic/$aws/things/pump-1/shadow/update`, context: attached, expected: 'implicit_deny' },
  { name: 'device policy: subscribe to /accepted', policies: [devicePolicy], action: 'iot:Subscribe', resource: `${ARN}:topicfilter/$aws/things/pump-1/defender/metrics/json/accepted`, context: attached, expected: 'allow' },
  { name: 'device policy: subscribe to a wildcard filter under defender/ (the * covers it)', policies: [devicePolicy], action: 'iot:Subscribe', resource: `${ARN}:topicfilter/$aws/things/pump-1/defender/#`, context: attached, expected: 'allow' },
  { name: 'device policy: subscribe to # is refused', policies: [devicePolicy], action: 'iot:Subscribe', resource: `${ARN}:topicfilter/#`, context: attached, expected: 'implicit_deny' },
  { name: 'device policy: receive /rejected', policies: [devicePolicy], action: 'iot:Receive', resource: `${ARN}:topic/$aws/things/pump-1/defender/metrics/json/rejected`, context: attached, expected: 'allow' },
  { name: 'device policy: retained publish is not granted (no iot:RetainPublish)', policies: [devicePolicy], action: 'iot:RetainPublish', resource: `${ARN}:topic/$aws/things/pump-1/defender/metrics/json`, context: attached, expected: 'implicit_deny' },
  { name: 'device policy: nothing is granted when the certificate has no thing attached', policies: [devicePolicy], action: 'iot:Publish', resource: `${ARN}:topic/$aws/things/pump-1/defender/metrics/json`, context: unattached, expected: 'implicit_deny' },
];

describe('IoT policy evaluation (device-defender.md §8, reference-pipeline.md §1)', () => {
  it.each(rows)('$name → $expected', (row) => {
    const decision = evaluatePolicies(row.policies, row.action, row.resource, row.context ?? attached);
    expect(decision.reason).toBe(row.expected);
    expect(decision.allowed).toBe(row.expected === 'allow');
  });

  it('names the deciding policy and statement', () => {
    const decision = evaluatePolicies([policy('a', allow('iot:Publish', '*')), policy('b', allow('iot:Connect', '*'), deny('iot:Publish', `${ARN}:topic/x`))], 'iot:Publish', `${ARN}:topic/x`, attached);
    expect(decision).toEqual({ allowed: false, reason: 'explicit_deny', policyName: 'b', statement: 1 });
  });
});

describe('policy document validation', () => {
  const bad: Array<[string, unknown]> = [
    ['not JSON', '{'],
    ['no Statement', { Version: '2012-10-17' }],
    ['a wrong Version', { Version: '2020-01-01', Statement: [allow('iot:Connect', '*')] }],
    ['a bad Effect', { Statement: [{ Effect: 'Maybe', Action: 'iot:Connect', Resource: '*' }] }],
    ['a non-IoT action', { Statement: [allow('s3:GetObject', '*')] }],
    ['a resource that is not an ARN', { Statement: [allow('iot:Publish', 'topic/a')] }],
    ['Action and NotAction together', { Statement: [{ Effect: 'Allow', Action: 'iot:Publish', NotAction: 'iot:Connect', Resource: '*' }] }],
    ['no Resource', { Statement: [{ Effect: 'Allow', Action: 'iot:Publish' }] }],
    ['an unknown condition operator', { Statement: [allow('iot:Publish', '*', { StringSortOf: { 'iot:ClientId': 'x' } })] }],
    ['a bad CIDR', { Statement: [allow('iot:Publish', '*', { IpAddress: { 'aws:SourceIp': '10.0.0.0/99' } })] }],
    ['an unterminated variable', { Statement: [allow('iot:Publish', `${ARN}:topic/\${iot:ClientId`)] }],
    ['more than 2048 characters', { Statement: Array.from({ length: 40 }, (_, i) => allow('iot:Publish', `${ARN}:topic/${'x'.repeat(20)}${i}`)) }],
  ];
  it.each(bad)('refuses a document with %s as policy.malformed', (_name, document) => {
    const result = compilePolicy('p', '1', typeof document === 'string' ? document : JSON.stringify(document));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe('policy.malformed');
  });

  it('accepts a single Statement object and string Action/Resource', () => {
    expect(compilePolicy('p', '1', JSON.stringify({ Version: '2012-10-17', Statement: allow('iot:Connect', '*') })).ok).toBe(true);
  });
});

describe('explainPolicies', () => {
  const account = { region: 'local', accountId: '000000000000' };
  const copied = policy('copied', allow('iot:Connect', 'arn:aws:iot:eu-west-1:123456789012:client/${iot:ClientId}'), deny('iot:Connect', `${ARN}:client/blocked-*`));

  it('names the statement and the Resource that allowed or denied', () => {
    const allowed = explainPolicies([devicePolicy], 'iot:Connect', `${ARN}:client/pump-1`, attached, account);
    expect(allowed.message).toBe(`iot:Connect on ${ARN}:client/pump-1 allowed by policy vigil-device-defender Statement[0] (Resource ${ARN}:client/\${iot:Connection.Thing.ThingName})`);
    const denied = explainPolicies([copied], 'iot:Connect', `${ARN}:client/blocked-7`, { clientId: 'blocked-7' }, account);
    expect(denied).toMatchObject({ allowed: false, reason: 'explicit_deny', policyName: 'copied', statement: 1 });
    expect(denied.message).toBe(`iot:Connect on ${ARN}:client/blocked-7 denied by policy copied Statement[1] (Resource ${ARN}:client/blocked-*)`);
  });

  it('an implicit deny names the statement whose Resource failed to match, and that it names another account', () => {
    const explained = explainPolicies([copied], 'iot:Connect', `${ARN}:client/pump-1`, { clientId: 'pump-1' }, account);
    expect(explained).toMatchObject({ allowed: false, reason: 'implicit_deny', nearMisses: [{ policyName: 'copied', statement: 0, failed: 'resource', resources: ['arn:aws:iot:eu-west-1:123456789012:client/${iot:ClientId}'] }] });
    expect(explained.message).toBe(
      `iot:Connect on ${ARN}:client/pump-1 implicitly denied: policy copied Statement[0] allows iot:Connect but its Resource arn:aws:iot:eu-west-1:123456789012:client/\${iot:ClientId} does not match (arn:aws:iot:eu-west-1:123456789012:client/\${iot:ClientId} names another region or account than this server's: region local, account 000000000000)`,
    );
  });

  it('says when no policy is attached, when no statement has the action, and when a Condition failed', () => {
    expect(explainPolicies([], 'iot:Publish', `${ARN}:topic/a`, attached).message).toBe(`iot:Publish on ${ARN}:topic/a implicitly denied: no policy is attached to the certificate (or to the groups of its thing)`);
    expect(explainPolicies([devicePolicy], 'iot:RetainPublish', `${ARN}:topic/a`, attached).message).toBe(`iot:RetainPublish on ${ARN}:topic/a implicitly denied: no statement of vigil-device-defender allows iot:RetainPublish`);
    const conditional = policy('from-north', allow('iot:Publish', `${ARN}:topic/*`, { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } }));
    expect(explainPolicies([conditional], 'iot:Publish', `${ARN}:topic/a`, unattached).message).toBe(`iot:Publish on ${ARN}:topic/a implicitly denied: policy from-north Statement[0] allows iot:Publish but its Condition does not hold`);
  });
});
