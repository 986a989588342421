import { createHash, randomUUID } from 'node:crypto';
import { VigilError, err, ok, type Clock, type Result } from '../core/index.js';
import type { Component, MqttMessage, RulesSink, TopicRule, TopicRuleStore } from '../model/index.js';
import { arns } from '../protocol/index.js';
import type { Telemetry } from '../telemetry/index.js';
import type { ActionInput, ActionPorts, CompiledAction } from './actions/index.js';
import { MAX_PAYLOAD_DEPTH, evaluateRule, parsePayload, type ParsedPayload, type RuleOutput } from './sql/evaluate.js';
import { DEFAULT_SQL_LIMITS, type SqlLimits } from './sql/limits.js';
import type { SqlContext } from './sql/functions.js';
import type { RuleStatement, SqlValue } from './sql/ast.js';
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
  /** Bounds on rule SQL (`rules.max_sql_*`); defaults when absent. */
  readonly limits?: SqlLimits;
  /** `rules.max_payload_depth`. */
  readonly maxPayloadDepth?: number;
  /** `rules.disable_after_failures`: consecutive throwing messages before a rule is disabled. */
  readonly disableAfterFailures?: number;
  /** `rules.max_republish_hops`: rule actions in a row one message may pass through. */
  readonly maxRepublishHops?: number;
}

/**
 * How a rule is doing, beside its stored definition: `INVALID` when the stored definition failed
 * validation at start (loaded disabled), `DISABLED_AFTER_FAILURES` when the engine disabled it.
 */
export interface RuleHealth {
  readonly ruleName: string;
  readonly state: 'ENABLED' | 'DISABLED' | 'DISABLED_AFTER_FAILURES' | 'INVALID';
  readonly consecutiveFailures: number;
  readonly totalFailures: number;
  readonly lastError?: { readonly code: string; readonly message: string; readonly at: number; readonly stage: string };
}

interface HealthRecord {
  consecutive: number;
  total: number;
  lastError: { code: string; message: string; at: number; stage: string } | undefined;
  autoDisabled: boolean;
}

const BASIC_INGEST = '$aws/rules/';

/** Publishes by rule actions not yet seen coming back (bounded: a publish the broker never hands back is forgotten). */
const MAX_TRACKED_PUBLISHES = 10_000;

/**
 * Vigil's IoT rules engine: keeps the rules (stored through the port, compiled in memory), evaluates
 * every message against the enabled rules whose FROM filter matches, runs their actions in parallel
 * and hands failures to the rule's errorAction with the AWS error-action payload.
 */
export class RulesEngine implements RulesSink, Component {
  readonly name = 'rules';
  private readonly rules = new Map<string, CompiledRule>();
  /** Stored rules that failed validation at start: kept out of evaluation, reported by `health()`. */
  private readonly invalid = new Map<string, VigilError>();
  private readonly records = new Map<string, HealthRecord>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly uuid: () => string;
  private readonly limits: SqlLimits;
  private readonly maxPayloadDepth: number;
  private readonly disableAfter: number;
  private readonly maxHops: number;
  /**
   * Hop counts of messages rule actions published, by topic and payload digest, until the broker hands
   * them back to `onMessage` (a message has no other mark that a rule sent it). Lets a message that
   * went round a rule loop `max_republish_hops` times be refused instead of circling forever.
   */
  private readonly published = new Map<string, number[]>();
  private trackedPublishes = 0;

  constructor(private readonly deps: RulesEngineDeps) {
    this.uuid = deps.uuid ?? randomUUID;
    this.limits = deps.limits ?? DEFAULT_SQL_LIMITS;
    this.maxPayloadDepth = deps.maxPayloadDepth ?? MAX_PAYLOAD_DEPTH;
    this.disableAfter = deps.disableAfterFailures ?? 10;
    this.maxHops = deps.maxRepublishHops ?? 8;
  }

  /**
   * Loads every stored rule. One whose definition no longer validates (a row written by an older
   * version, a limit lowered since) is loaded disabled and reported, never evaluated: a bad row
   * cannot stop the start or crash the process on the next message.
   */
  async start(): Promise<void> {
    for (const rule of await this.deps.store.list()) this.load(rule);
  }

  private readonly changeListeners = new Set<(name: string) => void>();

  /** Calls `listener` after each rule created, replaced, deleted, enabled or disabled through this engine. */
  onDefinitionChanged(listener: (name: string) => void): () => void {
    this.changeListeners.add(listener);
    return () => void this.changeListeners.delete(listener);
  }

  private changed(name: string): void {
    for (const listener of [...this.changeListeners]) listener(name);
  }

  /** Re-reads the stored rules after they changed elsewhere (another cluster node): changed ones are loaded again, deleted ones dropped. */
  async resync(): Promise<void> {
    const stored = await this.deps.store.list();
    const names = new Set(stored.map((r) => r.ruleName));
    for (const name of [...this.rules.keys(), ...this.invalid.keys()]) if (!names.has(name)) this.unload(name);
    for (const rule of stored) {
      const running = this.rules.get(rule.ruleName)?.rule;
      if (running !== undefined && running.updatedAt === rule.updatedAt && running.ruleDisabled === rule.ruleDisabled) continue;
      this.unload(rule.ruleName);
      this.load(rule);
    }
  }

  private unload(name: string): void {
    this.rules.delete(name);
    this.invalid.delete(name);
    this.records.delete(name);
  }

  /** Compiles a stored rule; one that no longer validates is loaded disabled and reported. */
  private load(rule: TopicRule): void {
    let compiled: Result<CompiledRule>;
    try {
      compiled = compileRule(rule, this.limits);
    } catch (error) {
      compiled = err(new VigilError('rules.invalid_request', `the stored rule could not be read: ${error instanceof Error ? error.message : String(error)}`));
    }
    if (compiled.ok) return void this.rules.set(rule.ruleName, compiled.value);
    this.invalid.set(rule.ruleName, compiled.error);
    this.deps.telemetry.emit('component_error', { component: 'rules', code: compiled.error.code, stage: 'load' }, { rule: rule.ruleName, message: compiled.error.message });
    this.deps.telemetry.emit('unit_disabled', { component: 'rules', reason: 'invalid' }, { rule: rule.ruleName, message: compiled.error.message, hint: 'fix it with ReplaceTopicRule or delete it' });
  }

  /** Every stored rule's state, failure counts and last error, by name. */
  async health(): Promise<RuleHealth[]> {
    const stored = await this.deps.store.list();
    return stored.map((rule) => this.healthOf(rule));
  }

  private healthOf(rule: TopicRule): RuleHealth {
    const record = this.records.get(rule.ruleName);
    const invalid = this.invalid.get(rule.ruleName);
    const state = invalid !== undefined ? 'INVALID' : !rule.ruleDisabled ? 'ENABLED' : record?.autoDisabled === true ? 'DISABLED_AFTER_FAILURES' : 'DISABLED';
    const lastError = invalid !== undefined ? { code: invalid.code, message: invalid.message, at: rule.updatedAt, stage: 'load' } : record?.lastError;
    return { ruleName: rule.ruleName, state, consecutiveFailures: record?.consecutive ?? 0, totalFailures: record?.total ?? 0, ...(lastError === undefined ? {} : { lastError }) };
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
    const built = buildRule(ruleName, payload, this.deps.clock.now(), undefined, this.limits);
    if (!built.ok) return built;
    if (!(await this.deps.store.create(built.value.rule))) return err(new VigilError('rules.already_exists', `rule ${ruleName} already exists`, { hint: 'use ReplaceTopicRule to change it' }));
    this.install(built.value);
    this.deps.telemetry.emit('rule_changed', { action: 'created' }, { rule: ruleName });
    this.changed(ruleName);
    return ok(built.value.rule);
  }

  async replaceRule(ruleName: string, payload: unknown): Promise<Result<TopicRule>> {
    const existing = await this.deps.store.get(ruleName);
    if (existing === undefined) return err(notFound(ruleName));
    const built = buildRule(ruleName, payload, this.deps.clock.now(), existing.createdAt, this.limits);
    if (!built.ok) return built;
    if (!(await this.deps.store.replace(built.value.rule))) return err(notFound(ruleName));
    this.install(built.value);
    this.deps.telemetry.emit('rule_changed', { action: 'replaced' }, { rule: ruleName });
    this.changed(ruleName);
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
    this.invalid.delete(ruleName);
    this.records.delete(ruleName);
    this.deps.telemetry.forget('rule_matched', { rule: ruleName });
    this.deps.telemetry.emit('rule_changed', { action: 'deleted' }, { rule: ruleName });
    this.changed(ruleName);
    return ok(undefined);
  }

  async setEnabled(ruleName: string, enabled: boolean): Promise<Result<void>> {
    const existing = await this.deps.store.get(ruleName);
    if (existing === undefined) return err(notFound(ruleName));
    const rule: TopicRule = { ...existing, ruleDisabled: !enabled, updatedAt: this.deps.clock.now() };
    const compiled = compileRule(rule, this.limits);
    if (!compiled.ok) return compiled;
    if (!(await this.deps.store.replace(rule))) return err(notFound(ruleName));
    this.install(compiled.value);
    this.deps.telemetry.emit('rule_changed', { action: enabled ? 'enabled' : 'disabled' }, { rule: ruleName });
    this.changed(ruleName);
    return ok(undefined);
  }

  /** A rule (re)defined or re-enabled by its owner: it runs, with a clean failure record. */
  private install(compiled: CompiledRule): void {
    const name = compiled.rule.ruleName;
    this.rules.set(name, compiled);
    this.invalid.delete(name);
    this.records.delete(name);
  }

  onMessage(message: MqttMessage): Promise<void> {
    const hops = this.hopsOf(message.topic, message);
    if (message.topic.startsWith(BASIC_INGEST)) {
      const rest = message.topic.slice(BASIC_INGEST.length);
      const slash = rest.indexOf('/');
      return this.basicIngest(slash < 0 ? rest : rest.slice(0, slash), { ...message, topic: slash < 0 ? '' : rest.slice(slash + 1) }, hops);
    }
    let parsed: ParsedPayload | undefined;
    const runs: Array<Promise<void>> = [];
    for (const compiled of this.rules.values()) {
      if (compiled.rule.ruleDisabled || !compiled.matches(message.topic)) continue;
      parsed ??= this.parse(message.payload);
      runs.push(this.track(this.runRule(compiled, message, parsed, hops)));
    }
    return runs.length === 0 ? Promise.resolve() : Promise.all(runs).then(() => undefined);
  }

  /**
   * A publish to `$aws/rules/<ruleName>[/rest]`: runs that rule only, whatever its FROM filter says
   * ([INFER] AWS basic ingest); the rule sees `rest` as its topic. `message.topic` is `rest` here.
   */
  onBasicIngest(ruleName: string, message: MqttMessage): Promise<void> {
    // The mark of a rule's publish is on the topic it published to, the whole `$aws/rules/…` one.
    return this.basicIngest(ruleName, message, this.hopsOf(`${BASIC_INGEST}${ruleName}${message.topic === '' ? '' : `/${message.topic}`}`, message));
  }

  private basicIngest(ruleName: string, message: MqttMessage, hops: number): Promise<void> {
    const compiled = this.rules.get(ruleName);
    if (compiled === undefined || compiled.rule.ruleDisabled) {
      this.deps.telemetry.count('rule_message_dropped', { reason: compiled === undefined ? 'no_such_rule' : 'rule_disabled' });
      return Promise.resolve();
    }
    return this.track(this.runRule(compiled, message, this.parse(message.payload), hops));
  }

  /** How many rule actions in a row produced this message (0: a device or Vigil itself sent it). */
  private hopsOf(topic: string, message: MqttMessage): number {
    if (message.clientId !== undefined || this.trackedPublishes === 0) return 0;
    const key = publishKey(topic, message.payload);
    const pending = this.published.get(key);
    if (pending === undefined) return 0;
    const hops = pending.shift() as number;
    this.trackedPublishes--;
    if (pending.length === 0) this.published.delete(key);
    return hops;
  }

  /**
   * The ports rule actions on a message at `hops` use: what they publish is marked one hop further,
   * and refused past `limit` (`max_republish_hops`; one more for an errorAction, so that it can still
   * report the refusal).
   */
  private portsAt(hops: number, limit: number): ActionPorts {
    const ports = this.deps.ports;
    const publish: ActionPorts['publisher']['publish'] = async (topic, payload, options) => {
      if (hops + 1 > limit) {
        this.deps.telemetry.count('limit_hit', { component: 'rules', limit: 'rules.max_republish_hops' });
        return err(new VigilError('rules.loop_limit', `publish to ${topic} refused: the message already passed through ${hops} rule actions in a row (rules.max_republish_hops = ${this.maxHops}); a rule probably republishes to a topic its own FROM filter (or another rule's) selects`, { hint: 'make the republish topic fall outside the FROM filters of the rules on the way, or raise rules.max_republish_hops' }));
      }
      const key = publishKey(topic, payload);
      this.remember(key, hops + 1);
      const result = await ports.publisher.publish(topic, payload, options);
      if (!result.ok) this.forget(key, hops + 1);
      return result;
    };
    return { ...ports, publisher: { publish } };
  }

  private remember(key: string, hops: number): void {
    if (this.trackedPublishes >= MAX_TRACKED_PUBLISHES) {
      // The oldest marks belong to publishes the broker dropped (no subscriber path back): forget one.
      const [oldest, list] = this.published.entries().next().value as [string, number[]];
      list.shift();
      this.trackedPublishes--;
      if (list.length === 0) this.published.delete(oldest);
    }
    const list = this.published.get(key);
    if (list === undefined) this.published.set(key, [hops]);
    else list.push(hops);
    this.trackedPublishes++;
  }

  private forget(key: string, hops: number): void {
    const list = this.published.get(key);
    const at = list?.lastIndexOf(hops) ?? -1;
    if (list === undefined || at < 0) return;
    list.splice(at, 1);
    this.trackedPublishes--;
    if (list.length === 0) this.published.delete(key);
  }

  /**
   * The payload parsed on first use: a `SELECT *` rule without WHERE whose actions pass the message
   * on as it is (the reference pipeline's export rule, ~128 KiB messages) never parses it.
   */
  private parse(payload: Uint8Array): ParsedPayload {
    let parsed: ParsedPayload | undefined;
    const get = (): ParsedPayload => {
      if (parsed !== undefined) return parsed;
      parsed = parsePayload(payload, this.maxPayloadDepth);
      if (parsed.tooDeep === true) this.deps.telemetry.count('limit_hit', { component: 'rules', limit: 'rules.max_payload_depth' });
      return parsed;
    };
    return {
      get json() {
        return get().json;
      },
      get isJson() {
        return get().isJson;
      },
      get tooDeep() {
        return get().tooDeep;
      },
    };
  }

  private track(started: Promise<void>): Promise<void> {
    // Containment's last line: nothing a rule does may reject into the broker's publish path.
    const run = started.catch((error: unknown) => this.deps.telemetry.emit('component_error', { component: 'rules', code: 'rules.internal', stage: 'run' }, { err: error }));
    this.inFlight.add(run);
    void run.finally(() => this.inFlight.delete(run));
    return run;
  }

  private async runRule(compiled: CompiledRule, message: MqttMessage, parsed: ParsedPayload, hops: number): Promise<void> {
    const ports = this.portsAt(hops, this.maxHops);
    const context: SqlContext = { topic: message.topic, clientId: message.clientId, now: () => this.deps.clock.now(), uuid: this.uuid };
    let output: ReturnType<typeof evaluateRule>;
    try {
      output = passesThrough(compiled.statement) ? passThrough(message.payload, parsed) : evaluateRule(compiled.statement, message.payload, parsed, context);
    } catch (error) {
      // A bug or an input the evaluator did not foresee: contained to this rule and this message.
      const failure: Failure = { failedAction: 'RuleEvaluation', failedResource: compiled.rule.ruleName, errorMessage: `rules.evaluation_failed: ${errorText(error)}` };
      await this.fail(compiled, 'evaluate', error);
      await this.sendErrorAction(compiled, message, [failure], context, hops);
      return;
    }
    if (output === undefined) return this.succeeded(compiled);
    const ruleName = compiled.rule.ruleName;
    this.deps.telemetry.count('rule_matched', { rule: ruleName });
    const input: ActionInput = {
      output,
      get scope() {
        return parsed.json;
      },
      context,
    };
    const results = await Promise.all(compiled.actions.map((action) => this.runAction(action, input, ports)));
    const failures = results.filter((f): f is Failure & { thrown?: unknown } => f !== undefined);
    const crash = failures.find((f) => f.thrown !== undefined);
    if (crash !== undefined) await this.fail(compiled, 'action', crash.thrown);
    else this.succeeded(compiled);
    if (failures.length === 0) return;
    for (const failure of failures) this.deps.telemetry.emit('rule_action_failed', { action: failure.failedAction }, { rule: ruleName, resource: failure.failedResource, error: failure.errorMessage });
    await this.sendErrorAction(compiled, message, failures.map(({ failedAction, failedResource, errorMessage }) => ({ failedAction, failedResource, errorMessage })), context, hops);
  }

  /** AWS: one error-action message per rule and message, listing every failed action. */
  private async sendErrorAction(compiled: CompiledRule, message: MqttMessage, failures: readonly Failure[], context: SqlContext, hops: number): Promise<void> {
    if (compiled.errorAction === undefined) return;
    const ruleName = compiled.rule.ruleName;
    const payload = {
      ruleName,
      topic: message.topic,
      cloudwatchTraceId: this.traceId(),
      clientId: message.clientId ?? 'n/a',
      base64OriginalPayload: Buffer.from(message.payload).toString('base64'),
      failures: failures.map((f) => ({ ...f })),
    } satisfies SqlValue;
    const failed = await this.runAction(compiled.errorAction, { output: { kind: 'json', value: payload }, scope: payload, context }, this.portsAt(hops, this.maxHops + 1));
    if (failed !== undefined) this.deps.telemetry.emit('rule_action_failed', { action: `errorAction:${failed.failedAction}` }, { rule: ruleName, resource: failed.failedResource, error: failed.errorMessage });
  }

  private traceId(): string {
    try {
      return this.uuid();
    } catch {
      return randomUUID();
    }
  }

  private succeeded(compiled: CompiledRule): void {
    const record = this.records.get(compiled.rule.ruleName);
    if (record !== undefined) record.consecutive = 0;
  }

  /**
   * Counts and logs a throw in a rule; after `disable_after_failures` in a row the rule is disabled
   * (stored, so a restart keeps it off) until its owner enables or replaces it.
   */
  private async fail(compiled: CompiledRule, stage: 'evaluate' | 'action', error: unknown): Promise<void> {
    const ruleName = compiled.rule.ruleName;
    const now = this.deps.clock.now();
    const record = this.records.get(ruleName) ?? { consecutive: 0, total: 0, lastError: undefined, autoDisabled: false };
    this.records.set(ruleName, record);
    record.consecutive++;
    record.total++;
    record.lastError = { code: 'rules.evaluation_failed', message: errorText(error), at: now, stage };
    this.deps.telemetry.emit('component_error', { component: 'rules', code: 'rules.evaluation_failed', stage }, { rule: ruleName, err: error, consecutiveFailures: record.consecutive });
    if (record.consecutive < this.disableAfter || record.autoDisabled || this.rules.get(ruleName) !== compiled) return;
    record.autoDisabled = true;
    const disabled: CompiledRule = { ...compiled, rule: { ...compiled.rule, ruleDisabled: true, updatedAt: now } };
    this.rules.set(ruleName, disabled);
    try {
      await this.deps.store.replace(disabled.rule);
    } catch (storeError) {
      this.deps.telemetry.emit('component_error', { component: 'rules', code: 'rules.store_failed', stage: 'disable' }, { rule: ruleName, err: storeError });
    }
    this.deps.telemetry.emit('unit_disabled', { component: 'rules', reason: 'failures' }, { rule: ruleName, failures: record.consecutive, message: record.lastError.message, hint: 'fix the rule, then EnableTopicRule' });
    this.deps.telemetry.emit('rule_changed', { action: 'disabled' }, { rule: ruleName, reason: `${record.consecutive} failures in a row` });
  }

  private async runAction(action: CompiledAction, input: ActionInput, ports: ActionPorts): Promise<(Failure & { thrown?: unknown }) | undefined> {
    let result: Result<void>;
    let thrown: unknown;
    try {
      result = await action.run(input, ports);
    } catch (error) {
      thrown = error ?? new Error('undefined thrown');
      result = err(new VigilError('rules.action_failed', errorText(error)));
    }
    if (result.ok) return undefined;
    let resource: string;
    try {
      resource = action.resource(input);
    } catch {
      resource = 'unknown';
    }
    const failure = { failedAction: action.failedAction, failedResource: resource, errorMessage: `${result.error.code}: ${result.error.message}` };
    return thrown === undefined ? failure : { ...failure, thrown };
  }
}

function publishKey(topic: string, payload: Uint8Array): string {
  return `${topic}\n${createHash('sha1').update(payload).digest('base64')}`;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

interface Failure {
  readonly failedAction: string;
  readonly failedResource: string;
  readonly errorMessage: string;
}

function notFound(ruleName: string): VigilError {
  return new VigilError('rules.not_found', `no topic rule ${ruleName}`, { hint: 'list rules with GET /rules' });
}

/** `SELECT * FROM …` without WHERE: the output is the message itself. */
function passesThrough(statement: RuleStatement): boolean {
  return statement.where === undefined && statement.select.length === 1 && statement.select[0]?.kind === 'star';
}

/**
 * What `evaluateRule` answers for such a rule (JSON with the payload as its source, or the bytes of
 * a non-JSON payload), with `kind` and `value` read from the payload only when an action asks:
 * `outputBytes` takes `source`, the same bytes either way.
 */
function passThrough(payload: Uint8Array, parsed: ParsedPayload): RuleOutput {
  return {
    source: payload,
    bytes: payload,
    get kind() {
      return parsed.isJson ? 'json' : 'bytes';
    },
    get value() {
      return parsed.json;
    },
  } as unknown as RuleOutput;
}
