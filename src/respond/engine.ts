import { VigilError, defaultBackoff, newId, pages, type BackoffPolicy, type Clock, type Timer, type TimerHandle } from '../core/index.js';
import type { AuditFinding, Component, Page, Playbook, PlaybookRun, PlaybookRunState, PlaybookStore, Violation, ViolationEventType } from '../model/index.js';
import type { Telemetry } from '../telemetry/index.js';
import { parsePlaybook } from './playbook.js';
import { advance, pendingSteps, setStep, skipRest, type RunnerDeps } from './runner.js';
import { STEPS, type StepPorts } from './steps/index.js';
import { alertMatch, findingMatch, violationMatch, type TriggerMatch } from './triggers.js';

export interface RespondDeps {
  readonly store: PlaybookStore;
  readonly ports: StepPorts;
  readonly clock: Clock;
  readonly timer: Timer;
  readonly telemetry: Telemetry;
  /** Between attempts of a failing step (default: 1 s doubling to 60 s, jittered). */
  readonly backoff?: BackoffPolicy;
  /** The console's address, for the `${approval_link}` variable. */
  readonly consoleUrl?: () => string | undefined;
}

const HOUR_MS = 3_600_000;
/** How long a rate-limited run waits for an answer before it is denied. */
const RATE_LIMIT_WAIT_MS = 24 * HOUR_MS;
/** Timers are re-armed at least this often, so a far deadline never needs a timeout past 32 bits. */
const MAX_WAIT_MS = HOUR_MS;

const notFound = (name: string): VigilError => new VigilError('playbook.not_found', `no playbook named ${name}`, { hint: 'vigil playbook list shows them' });
const runNotFound = (id: string): VigilError => new VigilError('playbook_run.not_found', `no playbook run with id ${id}`, { hint: 'vigil playbook runs NAME lists a playbook\'s runs' });

/**
 * Playbooks: CRUD, matching triggers (alert rows, violation events, audit findings) to enabled
 * playbooks, the hourly per-playbook limit on distinct things (a run past it pauses and asks),
 * running steps, approvals with timeout and default, and undo. Every run is stored as it goes.
 */
export class RespondEngine implements Component {
  readonly name = 'respond';
  private readonly runner: RunnerDeps;
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly busy = new Set<string>();
  private readonly deadlines = new Map<string, TimerHandle>();
  /** Admissions (the rate-limit count and the new run) happen one at a time. */
  private admissions: Promise<unknown> = Promise.resolve();
  private stopped = false;

  constructor(private readonly deps: RespondDeps) {
    this.runner = { store: deps.store, ports: deps.ports, clock: deps.clock, timer: deps.timer, telemetry: deps.telemetry, backoff: deps.backoff ?? defaultBackoff };
  }

  async start(): Promise<void> {
    this.stopped = false;
    const waiting = await pages((cursor) => this.pageOf({ limit: 250, cursor, states: ['waiting_approval', 'paused_rate_limit'] }));
    for (const run of waiting) this.arm(run);
    // A run the process stopped in the middle of goes on from its first pending step.
    const interrupted = await pages((cursor) => this.pageOf({ limit: 250, cursor, states: ['running'] }));
    for (const run of interrupted) this.track(this.resume(run));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const handle of this.deadlines.values()) handle.cancel();
    this.deadlines.clear();
    await this.idle();
  }

  /** Resolves once every run started so far has stopped advancing (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  // ---- playbooks ----

  list(): Promise<Playbook[]> {
    return this.deps.store.listPlaybooks();
  }

  async get(name: string): Promise<Playbook> {
    const found = await this.deps.store.getPlaybook(name);
    if (found === undefined) throw notFound(name);
    return found;
  }

  async create(document: unknown): Promise<Playbook> {
    const playbook = parsePlaybook(document, this.deps.clock.now());
    if (!playbook.ok) throw playbook.error;
    if (!(await this.deps.store.createPlaybook(playbook.value))) throw new VigilError('playbook.already_exists', `a playbook named ${playbook.value.name} already exists`, { hint: `replace it (PUT /api/v1/playbooks/${playbook.value.name}) or pick another name` });
    this.deps.telemetry.emit('playbook_changed', { action: 'create' }, { name: playbook.value.name });
    return playbook.value;
  }

  /** Replaces the playbook's document (its runs stay); `enabled` keeps its value when the document leaves it out. */
  async replace(name: string, document: unknown): Promise<Playbook> {
    const base = await this.get(name);
    const named = typeof document === 'object' && document !== null ? { ...document, name: (document as { name?: unknown }).name ?? name } : document;
    const playbook = parsePlaybook(named, this.deps.clock.now(), base);
    if (!playbook.ok) throw playbook.error;
    if (playbook.value.name !== name) throw new VigilError('playbook.invalid', `the document names ${playbook.value.name}, the path ${name}`, { hint: 'a playbook cannot be renamed: create the new name and delete the old' });
    await this.deps.store.updatePlaybook(playbook.value);
    this.deps.telemetry.emit('playbook_changed', { action: 'update' }, { name });
    return playbook.value;
  }

  async setEnabled(name: string, enabled: boolean): Promise<Playbook> {
    const playbook = { ...(await this.get(name)), enabled, updatedAt: this.deps.clock.now() };
    await this.deps.store.updatePlaybook(playbook);
    this.deps.telemetry.emit('playbook_changed', { action: enabled ? 'enable' : 'disable' }, { name });
    return playbook;
  }

  async delete(name: string): Promise<void> {
    if (!(await this.deps.store.deletePlaybook(name))) throw notFound(name);
    this.deps.telemetry.emit('playbook_changed', { action: 'delete' }, { name });
  }

  // ---- triggers ----

  /** A saved-search alert fired: one run per result row, for each enabled playbook bound to the search. */
  alertFired(search: string, rows: ReadonlyArray<Readonly<Record<string, string | readonly string[]>>>): Promise<PlaybookRun[]> {
    return this.dispatch((playbook) => rows.flatMap((row) => alertMatch(playbook, search, row, this.deps.clock.now())));
  }

  /** A violation event was recorded. */
  violationEvent(violation: Violation, eventType: ViolationEventType, time: number): Promise<PlaybookRun[]> {
    return this.dispatch((playbook) => violationMatch(playbook, violation, eventType, time));
  }

  /** An audit task found these (non-suppressed findings only start runs). */
  findings(findings: readonly AuditFinding[]): Promise<PlaybookRun[]> {
    return this.dispatch((playbook) => findings.flatMap((finding) => findingMatch(playbook, finding)));
  }

  /** `vigil playbook run NAME --var thing=x`: runs the playbook now (enabled or not) with these variables. */
  async runNow(name: string, variables: Readonly<Record<string, string>>): Promise<PlaybookRun> {
    const playbook = await this.get(name);
    const match: TriggerMatch = { variables: { ...variables }, summary: `run by hand${variables['thing'] === undefined ? '' : ` for ${variables['thing']}`}`, time: this.deps.clock.now() };
    return this.admit(playbook, match, 'manual');
  }

  private async dispatch(matches: (playbook: Playbook) => TriggerMatch[]): Promise<PlaybookRun[]> {
    if (this.stopped) return [];
    const started: PlaybookRun[] = [];
    for (const playbook of await this.deps.store.listPlaybooks()) {
      if (!playbook.enabled) continue;
      for (const match of matches(playbook)) started.push(await this.admit(playbook, match, playbook.trigger.type));
    }
    return started;
  }

  /** Creates the run (paused when the playbook is past its hourly limit) and starts it; one admission at a time. */
  private admit(playbook: Playbook, match: TriggerMatch, type: PlaybookRun['trigger']['type'] | 'manual'): Promise<PlaybookRun> {
    const admitted = this.admissions.then(async () => {
      const now = this.deps.clock.now();
      const id = newId();
      const variables: Record<string, string> = { ...match.variables, playbook: playbook.name, run_id: id };
      // An audit finding names a certificate: the run acts on the (first) thing attached to it.
      if ((variables['thing'] ?? '') === '' && (variables['certificate_id'] ?? '') !== '') variables['thing'] = (await this.deps.ports.registry.thingsOfCertificate(variables['certificate_id'] as string))[0] ?? '';
      const thing = variables['thing'] ?? '';
      if (variables['certificate_id'] === undefined || variables['certificate_id'] === '') variables['certificate_id'] = thing === '' ? '' : await this.firstCertificate(thing);
      const link = this.deps.consoleUrl?.();
      variables['approval_link'] = link === undefined ? `vigil respond approve ${id}` : `${link}/ui/playbooks?run=${id}`;
      let run: PlaybookRun = {
        id,
        playbook: playbook.name,
        state: 'running',
        dryRun: playbook.dryRun,
        trigger: { type: type === 'manual' ? playbook.trigger.type : type, summary: match.summary, time: match.time },
        variables,
        thing,
        steps: pendingSteps(playbook),
        notes: [],
        createdAt: now,
        updatedAt: now,
      };
      if (!playbook.dryRun && thing !== '') {
        const acted = await this.deps.store.thingsActedOnSince(playbook.name, now - HOUR_MS);
        if (!acted.includes(thing) && acted.length >= playbook.limits.maxThingsPerHour) {
          run = { ...run, state: 'paused_rate_limit', approval: { requestedAt: now, deadline: now + RATE_LIMIT_WAIT_MS, default: 'deny', reason: 'rate_limit' } };
        }
      }
      await this.deps.store.saveRun(run);
      this.deps.telemetry.emit('playbook_run', { state: run.state }, { playbook: run.playbook, run: run.id, thing, trigger: match.summary });
      if (run.state === 'paused_rate_limit') this.arm(run);
      else this.track(this.resume(run));
      return run;
    });
    this.admissions = admitted.catch(() => undefined);
    return admitted;
  }

  private async firstCertificate(thing: string): Promise<string> {
    const ids = await this.deps.ports.registry.certificatesOfThing(thing);
    return ids.ok ? (ids.value[0] ?? '') : '';
  }

  // ---- runs ----

  async getRun(id: string): Promise<PlaybookRun> {
    const found = await this.deps.store.getRun(id);
    if (found === undefined) throw runNotFound(id);
    return found;
  }

  async runs(name: string, request: { limit: number; cursor?: string | undefined }): Promise<Page<PlaybookRun>> {
    await this.get(name);
    return this.deps.store.listRuns({ ...request, playbook: name });
  }

  /** Runs in any of `states` (every playbook), newest first. */
  listRuns(request: { limit: number; cursor?: string | undefined; states?: readonly PlaybookRunState[] | undefined }): Promise<Page<PlaybookRun>> {
    return this.pageOf(request);
  }

  private pageOf(request: { limit: number; cursor?: string | undefined; states?: readonly PlaybookRunState[] | undefined }): Promise<Page<PlaybookRun>> {
    return this.deps.store.listRuns(request);
  }

  /** Answers a waiting run: its approval step, or the rate-limit question. */
  async approve(id: string, who = 'an operator'): Promise<PlaybookRun> {
    return this.answer(id, 'approve', `approved by ${who}`);
  }

  async deny(id: string, who = 'an operator'): Promise<PlaybookRun> {
    return this.answer(id, 'deny', `denied by ${who}`);
  }

  private async answer(id: string, answer: 'approve' | 'deny', message: string): Promise<PlaybookRun> {
    const run = await this.getRun(id);
    if ((run.state !== 'waiting_approval' && run.state !== 'paused_rate_limit') || this.busy.has(id)) {
      throw new VigilError('playbook_run.state_conflict', `run ${id} is ${run.state}; only a run waiting for approval (waiting_approval, paused_rate_limit) takes an answer`);
    }
    this.deadlines.get(id)?.cancel();
    this.deadlines.delete(id);
    const now = this.deps.clock.now();
    const waiting = run.steps.find((s) => s.status === 'waiting');
    let next = waiting === undefined ? run : setStep(run, waiting.index, { status: answer === 'approve' ? 'approved' : 'denied', endedAt: now, message });
    if (answer === 'deny') {
      next = { ...skipRest(next, message), state: 'denied', approval: undefined, updatedAt: now };
      await this.deps.store.saveRun(next);
      this.deps.telemetry.emit('playbook_run', { state: 'denied' }, { playbook: run.playbook, run: id, message });
      return next;
    }
    next = { ...next, state: 'running', approval: undefined, updatedAt: now };
    await this.deps.store.saveRun(next);
    this.deps.telemetry.emit('playbook_run', { state: 'running' }, { playbook: run.playbook, run: id, message });
    this.track(this.resume(next));
    return next;
  }

  /** Reverses the run's undoable steps (quarantine, deactivate_certificate), last first. */
  async undo(id: string): Promise<PlaybookRun> {
    let run = await this.getRun(id);
    if (this.busy.has(id) || run.state === 'running' || run.state === 'waiting_approval' || run.state === 'paused_rate_limit') {
      throw new VigilError('playbook_run.state_conflict', `run ${id} is ${run.state}; undo a run that has ended (deny a waiting one)`);
    }
    const undoable = run.steps.filter((s) => s.status === 'succeeded' && s.undo !== undefined && STEPS[s.type].undo !== undefined).reverse();
    if (undoable.length === 0) throw new VigilError('playbook_run.nothing_to_undo', `run ${id} made no change that undo reverses`, { hint: 'undo reverses quarantine and deactivate_certificate steps that succeeded' });
    this.busy.add(id);
    try {
      for (const step of undoable) {
        const undone = await STEPS[step.type].undo!(step.undo ?? {}, this.deps.ports);
        if (!undone.ok) {
          run = setStep(run, step.index, { error: { code: undone.error.code, message: `undo failed: ${undone.error.message}` } });
          await this.deps.store.saveRun({ ...run, updatedAt: this.deps.clock.now() });
          throw new VigilError('playbook_step.failed', `undo of step ${step.index} (${step.type}) failed: ${undone.error.message}`, { cause: undone.error });
        }
        run = setStep(run, step.index, { status: 'undone', message: `${step.message ?? ''}; undone: ${undone.value}` });
        this.deps.telemetry.emit('playbook_step', { type: step.type, status: 'undone' }, { playbook: run.playbook, run: id, message: undone.value });
      }
      run = { ...run, state: 'undone', updatedAt: this.deps.clock.now() };
      await this.deps.store.saveRun(run);
      this.deps.telemetry.emit('playbook_run', { state: 'undone' }, { playbook: run.playbook, run: id });
      return run;
    } finally {
      this.busy.delete(id);
    }
  }

  private async resume(run: PlaybookRun): Promise<PlaybookRun> {
    if (this.busy.has(run.id)) return run;
    this.busy.add(run.id);
    try {
      const playbook = await this.deps.store.getPlaybook(run.playbook);
      if (playbook === undefined) return run;
      const advanced = await advance(this.runner, playbook, run);
      if (advanced.state === 'waiting_approval') this.arm(advanced);
      return advanced;
    } catch (error) {
      // The store failing under a run: counted and logged; the run stays as last saved.
      this.deps.telemetry.emit('component_error', { component: 'respond', code: 'playbook_step.crashed', stage: 'run' }, { playbook: run.playbook, run: run.id, err: error });
      return run;
    } finally {
      this.busy.delete(run.id);
    }
  }

  /** Applies the default answer when the run's deadline passes. */
  private arm(run: PlaybookRun): void {
    const approval = run.approval;
    if (approval === undefined || this.stopped) return;
    this.deadlines.get(run.id)?.cancel();
    const wait = Math.max(0, Math.min(approval.deadline - this.deps.clock.now(), MAX_WAIT_MS));
    this.deadlines.set(run.id, this.deps.timer.setTimeout(() => {
      this.deadlines.delete(run.id);
      if (this.deps.clock.now() < approval.deadline) return this.arm(run);
      const answered = this.answer(run.id, approval.default, `no answer by the deadline: default ${approval.default}`).catch((error: unknown) => {
        if (!(error instanceof VigilError && error.code === 'playbook_run.state_conflict')) this.deps.telemetry.emit('component_error', { component: 'respond', code: 'playbook_step.crashed', stage: 'timeout' }, { run: run.id, err: error });
      });
      this.track(answered);
    }, wait));
  }

  private track(work: Promise<unknown>): void {
    const tracked = work.finally(() => this.inFlight.delete(tracked));
    this.inFlight.add(tracked);
  }
}
