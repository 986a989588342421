import { VigilError, err, ok, type Result } from '../../core/index.js';
import { compileConditions, type CompiledCondition } from './conditions.js';
import { toPattern } from './glob.js';
import { compileTemplate, type Template } from './template.js';

export interface CompiledStatement {
  readonly effect: 'Allow' | 'Deny';
  /** Lowercased action patterns (IAM actions are case-insensitive); `notActions` inverts. */
  readonly actions: readonly string[] | undefined;
  readonly notActions: readonly string[] | undefined;
  readonly resources: readonly Template[] | undefined;
  readonly notResources: readonly Template[] | undefined;
  readonly conditions: readonly CompiledCondition[];
}

/** A policy version ready to evaluate. */
export interface CompiledPolicy {
  readonly policyName: string;
  readonly versionId: string;
  readonly statements: readonly CompiledStatement[];
}

/** AWS IoT's limit on a policy document: 2048 characters, whitespace not counted. */
export const MAX_POLICY_CHARS = 2048;
const VERSIONS = new Set(['2012-10-17', '2008-10-17']);

/** Parses and validates a policy document (IAM grammar), compiling its patterns once. */
export function compilePolicy(policyName: string, versionId: string, text: string): Result<CompiledPolicy> {
  if (text.replace(/\s/g, '').length > MAX_POLICY_CHARS) return err(malformed(`the policy document is longer than ${MAX_POLICY_CHARS} characters (whitespace excluded)`));
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return err(malformed(`the policy document is not valid JSON: ${error instanceof Error ? error.message : String(error)}`));
  }
  if (!isRecord(parsed)) return err(malformed('the policy document must be a JSON object'));
  if (parsed['Version'] !== undefined && (typeof parsed['Version'] !== 'string' || !VERSIONS.has(parsed['Version']))) return err(malformed('Version must be "2012-10-17"'));
  const raw = parsed['Statement'];
  const list = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  if (list.length === 0) return err(malformed('the policy document needs at least one Statement'));
  const statements: CompiledStatement[] = [];
  for (const [index, entry] of list.entries()) {
    const compiled = compileStatement(entry, `Statement[${index}]`);
    if (!compiled.ok) return compiled;
    statements.push(compiled.value);
  }
  return ok({ policyName, versionId, statements });
}

function compileStatement(entry: unknown, path: string): Result<CompiledStatement> {
  if (!isRecord(entry)) return err(malformed(`${path} must be an object`));
  const effect = entry['Effect'];
  if (effect !== 'Allow' && effect !== 'Deny') return err(malformed(`${path}.Effect must be "Allow" or "Deny"`));
  const actions = stringList(entry['Action'], `${path}.Action`);
  if (!actions.ok) return actions;
  const notActions = stringList(entry['NotAction'], `${path}.NotAction`);
  if (!notActions.ok) return notActions;
  if ((actions.value === undefined) === (notActions.value === undefined)) return err(malformed(`${path} needs exactly one of Action or NotAction`));
  for (const action of [...(actions.value ?? []), ...(notActions.value ?? [])]) {
    if (action !== '*' && !/^iot:[A-Za-z*?]+$/.test(action)) return err(malformed(`${path}: "${action}" is not an IoT action`, 'actions look like iot:Connect, iot:Publish, iot:*'));
  }
  const resources = templates(entry['Resource'], `${path}.Resource`);
  if (!resources.ok) return resources;
  const notResources = templates(entry['NotResource'], `${path}.NotResource`);
  if (!notResources.ok) return notResources;
  if ((resources.value === undefined) === (notResources.value === undefined)) return err(malformed(`${path} needs exactly one of Resource or NotResource`));
  const conditions = compileConditions(entry['Condition'], `${path}.Condition`);
  if (!conditions.ok) return conditions;
  const lower = (list: string[] | undefined) => list?.map((a) => toPattern(a.toLowerCase()));
  return ok({ effect, actions: lower(actions.value), notActions: lower(notActions.value), resources: resources.value, notResources: notResources.value, conditions: conditions.value });
}

function templates(value: unknown, path: string): Result<Template[] | undefined> {
  const list = stringList(value, path);
  if (!list.ok || list.value === undefined) return list as Result<undefined>;
  const out: Template[] = [];
  for (const text of list.value) {
    if (text !== '*' && !text.startsWith('arn:')) return err(malformed(`${path}: "${text}" is not an ARN`, 'resources look like arn:aws:iot:<region>:<account>:topic/<topic>'));
    const template = compileTemplate(text);
    if (!template.ok) return template;
    out.push(template.value);
  }
  return ok(out);
}

function stringList(value: unknown, path: string): Result<string[] | undefined> {
  if (value === undefined) return ok(undefined);
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0 || !list.every((v) => typeof v === 'string' && v !== '')) return err(malformed(`${path} must be a non-empty string or list of strings`));
  return ok(list as string[]);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function malformed(message: string, hint = 'IoT policies use IAM grammar: {"Version": "2012-10-17", "Statement": [{"Effect", "Action", "Resource", "Condition"?}]}'): VigilError {
  return new VigilError('policy.malformed', message, { hint });
}
