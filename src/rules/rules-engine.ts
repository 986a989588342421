import { randomUUID } from 'node:crypto';
import { VigilError, err, ok, type Clock, type Result } from '../core/index.js';
import type { Component, MqttMessage, RulesSink, TopicRule, TopicRuleStore } from '../model/index.js';
import { arns } from '../protocol/index.js';
import type { Telemetry } from '../telemetry/index.js';
import type { ActionInput, ActionPorts, CompiledAction } from './actions/index.js';
import { evaluateRule, parsePayload, type ParsedPayload } from './sql/evaluate.js';
import type { SqlContext } from './sql/functions.js';
import type { SqlValue } from './sql/ast.js';
import { buildRule, compileRule, type CompiledRule } from './topic-rule.js';

export interface RulesEngineDeps {
  readonly store: TopicRuleStore;
  readonly ports: ActionPorts;
  readonly clock: Clock;
  readonly telemetry: Telemetry;
  readonly region: string;
  readonly accountId: string;
  /** Id source for newuuid() and error-action trace ids (tests pass a deterministic one). */
  readonly uuid?: () => string;
}

const BASIC_INGEST = '$aws/rules/';

/**
 * Vigil's IoT rules engine: keeps the rules (stored through the port, compiled in memory), evaluates
 * every message against the enabled rules whose FROM filter matches, runs their actions in parallel
 * and hands failures to the rule's errorAction with the AWS error-action payload.
 */
export class RulesEngine implements RulesSink, Component {
  readonly name = 'rules';
  private readonly rules = new Map<string, CompiledRule>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly uuid: () => string;

  constructor(private readonly deps: RulesEngineDeps) {
    this.uuid = deps.uuid ?? randomUUID;
  }

  async start(): Promise<void> {
    for (const rule of await this.deps.store.list()) {
      const compiled = compileRule(rule);
      if (compiled.ok) this.rules.set(rule.ruleName, compiled.value);
      else this.deps.telemetry.emit('component_error', { component: 'rules', code: compiled.error.code, stage: 'load' }, { rule: rule.ruleName, message: compiled.error.message });
    }
  }

  async stop(): Promise<void> {
    await this.idle();
  }

  /** Resolves when every message handed in so far has finished its actions. */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  ruleArn(ruleName: string): string {
    return arns(this.deps.region, this.deps.accountId).topicRule(ruleName);
  }

  async createRule(ruleName: string, payload: unknown): Promise<Result<TopicRule>> {
    const built = buildRule(ruleName, payload, this.deps.clock.now());
    if (!built.ok) return built;
    if (!(await this.deps.store.create(built.value.rule))) return err(new VigilError('rules.already_exists', `rule ${ruleName} already exists`, { hint: 'use ReplaceTopicRule to change it' }));
    this.rules.set(ruleName, built.value);
    this.deps.telemetry.emit('rule_changed', { action: 'created' }, { rule: ruleName });
    return ok(built.value.rule);
  }

  async replaceRule(ruleName: string, payload: unknown): Promise<Result<TopicRule>> {
    const existing = await this.deps.store.get(ruleName);
    if (existing === undefined) return err(notFound(ruleName));
    const built = buildRule(ruleName, payload, this.deps.clock.now(), existing.createdAt);
    if (!built.ok) return built;
    if (!(await this.deps.store.replace(built.value.rule))) return err(notFound(ruleName));
    this.rules.set(ruleName, built.value);
    this.deps.telemetry.emit('rule_changed', { action: 'replaced' }, { rule: ruleName });
    return ok(built.value.rule);
  }

  async getRule(ruleName: string): Promise<Result<TopicRule>> {
    const rule = await this.deps.store.get(ruleName);
    return rule === undefined ? err(notFound(ruleName)) : ok(rule);
  }

  listRules(): Promise<TopicRule[]> {
    return this.deps.store.list();
  }

  async deleteRule(ruleName: string): Promise<Result<void>> {
    if (!(await this.deps.store.delete(ruleName))) return err(notFound(ruleName));
    this.rules.delete(ruleName);
    this.deps.telemetry.emit('rule_changed', { action: 'deleted' }, { rule: ruleName });
    return ok(undefined);
  }

  async setEnabled(ruleName: string, enabled: boolean): Promise<Result<void>> {
    const existing = await this.deps.store.get(ruleName);
    if (existing === undefined) return err(notFound(ruleName));
    const rule: TopicRule = { ...existing, ruleDisabled: !enabled, updatedAt: this.deps.clock.now() };
    const compiled = compileRule(rule);
    if (!compiled.ok) return compiled;
    if (!(await this.deps.store.replace(rule))) return err(notFound(ruleName));
    this.rules.set(ruleName, compiled.value);
    this.deps.telemetry.emit('rule_changed', { action: enabled ? 'enabled' : 'disabled' }, { rule: ruleName });
    return ok(undefined);
  }

  onMessage(message: MqttMessage): Promise<void> {
    if (message.topic.startsWith(BASIC_INGEST)) {
      const rest = message.topic.slice(BASIC_INGEST.length);
      const slash = rest.indexOf('/');
      return this.onBasicIngest(slash < 0 ? rest : rest.slice(0, slash), { ...message, topic: slash < 0 ? '' : rest.slice(slash + 1) });
    }
    let parsed: ParsedPayload | undefined;
    const runs: Array<Promise<void>> = [];
    for (const compiled of this.rules.values()) {
      if (compiled.rule.ruleDisabled || !compiled.matches(message.topic)) continue;
      parsed ??= parsePayload(message.payload);
      runs.push(this.track(this.runRule(compiled, message, parsed)));
    }
    return runs.length === 0 ? Promise.resolve() : Promise.all(runs).then(() => undefined);
  }

  /**
   * A publish to `$aws/rules/<ruleName>[/rest]`: runs that rule only, whatever its FROM filter says
   * ([INFER] AWS basic ingest); the rule sees `rest` as its topic. `message.topic` is `rest` here.
   */
  onBasicIngest(ruleName: string, message: MqttMessage): Promise<void> {
    const compiled = this.rules.get(ruleName);
    if (compiled === undefined || compiled.rule.ruleDisabled) {
      this.deps.telemetry.count('rule_message_dropped', { reason: compiled === undefined ? 'no_such_rule' : 'rule_disabled' });
      return Promise.resolve();
    }
    return this.track(this.runRule(compiled, message, parsePayload(message.payload)));
  }

  private track(run: Promise<void>): Promise<void> {
    this.inFlight.add(run);
    void run.finally(() => this.inFlight.delete(run));
    return run;
  }

  private async runRule(compiled: CompiledRule, message: MqttMessage, parsed: ParsedPayload): Promise<void> {
    const context: SqlContext = { topic: message.topic, clientId: message.clientId, now: () => this.deps.clock.now(), uuid: this.uuid };
    const output = evaluateRule(compiled.statement, message.payload, parsed, context);
    if (output === undefined) return;
    const ruleName = compiled.rule.ruleName;
    this.deps.telemetry.count('rule_matched', { rule: ruleName });
    const input: ActionInput = { output, scope: parsed.json, context };
    const results = await Promise.all(compiled.actions.map((action) => this.runAction(action, input)));
    const failures = results.filter((f): f is Failure => f !== undefined);
    if (failures.length === 0) return;
    for (const failure of failures) this.deps.telemetry.emit('rule_action_failed', { action: failure.failedAction }, { rule: ruleName, resource: failure.failedResource, error: failure.errorMessage });
    if (compiled.errorAction === undefined) return;
    // AWS: one error-action message per rule and message, listing every failed action.
    const payload = {
      ruleName,
      topic: message.topic,
      cloudwatchTraceId: this.uuid(),
      clientId: message.clientId ?? 'n/a',
      base64OriginalPayload: Buffer.from(message.payload).toString('base64'),
      failures: failures.map((f) => ({ ...f })),
    } satisfies SqlValue;
    const failed = await this.runAction(compiled.errorAction, { output: { kind: 'json', value: payload }, scope: payload, context });
    if (failed !== undefined) this.deps.telemetry.emit('rule_action_failed', { action: `errorAction:${failed.failedAction}` }, { rule: ruleName, resource: failed.failedResource, error: failed.errorMessage });
  }

  private async runAction(action: CompiledAction, input: ActionInput): Promise<Failure | undefined> {
    let result: Result<void>;
    try {
      result = await action.run(input, this.deps.ports);
    } catch (error) {
      result = err(new VigilError('rules.action_failed', error instanceof Error ? error.message : String(error)));
    }
    if (result.ok) return undefined;
    return { failedAction: action.failedAction, failedResource: action.resource(input), errorMessage: `${result.error.code}: ${result.error.message}` };
  }
}

interface Failure {
  readonly failedAction: string;
  readonly failedResource: string;
  readonly errorMessage: string;
}

function notFound(ruleName: string): VigilError {
  return new VigilError('rules.not_found', `no topic rule ${ruleName}`, { hint: 'list rules with GET /rules' });
}
