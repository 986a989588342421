import { VigilError, errorKind, retry, toVigilError, type BackoffPolicy, type Clock, type ErrorKind, type Result, type Timer } from '../core/index.js';
import type { Playbook, PlaybookRun, PlaybookStepRecord, PlaybookStore } from '../model/index.js';
import type { Telemetry } from '../telemetry/index.js';
import { STEPS, type StepOutcome, type StepPorts } from './steps/index.js';
import { substitute } from './variables.js';

export interface RunnerDeps {
  readonly store: PlaybookStore;
  readonly ports: StepPorts;
  readonly clock: Clock;
  readonly timer: Timer;
  readonly telemetry: Telemetry;
  readonly backoff: BackoffPolicy;
  readonly random?: () => number;
}

/** Failures another attempt may cure: a peer or the machine, not the playbook or the registry saying no. */
const RETRYABLE: ReadonlySet<ErrorKind> = new Set(['upstream', 'unavailable', 'fault', 'timeout', 'throttled', 'internal']);

/** A run's step records before anything ran: every step pending, parameters as written. */
export function pendingSteps(playbook: Playbook): PlaybookStepRecord[] {
  return playbook.steps.map((step, index) => ({ index, type: step.type, status: 'pending', params: step.params, attempts: 0 }));
}

export function setStep(run: PlaybookRun, index: number, change: Partial<PlaybookStepRecord>): PlaybookRun {
  return { ...run, steps: run.steps.map((s) => (s.index === index ? { ...s, ...change } : s)) };
}

/** Marks every step still pending or waiting as skipped. */
export function skipRest(run: PlaybookRun, message: string): PlaybookRun {
  return { ...run, steps: run.steps.map((s) => (s.status === 'pending' || s.status === 'waiting' ? { ...s, status: 'skipped', message } : s)) };
}

/**
 * Runs the run's steps from the first pending one, saving the record after each: a step is retried
 * with backoff while its error may pass, a failing step ends the run `failed` (the rest skipped),
 * an approval step stops it `waiting_approval`. A step that throws is contained: caught, recorded,
 * counted and logged with the component, never crashing the process.
 */
export async function advance(deps: RunnerDeps, playbook: Playbook, initial: PlaybookRun): Promise<PlaybookRun> {
  let run: PlaybookRun = { ...initial, state: 'running', approval: undefined };
  const save = async (next: PlaybookRun): Promise<PlaybookRun> => {
    const stamped = { ...next, updatedAt: deps.clock.now() };
    await deps.store.saveRun(stamped);
    return stamped;
  };
  for (const step of initial.steps) {
    // A step left `running` by a stopped process runs again: steps are idempotent.
    if (step.status !== 'pending' && step.status !== 'running') continue;
    const row = STEPS[step.type];
    const startedAt = deps.clock.now();
    const params = substitute(step.params, run.variables);
    if (!params.ok) {
      run = await fail(deps, run, step.index, params.error, 0, startedAt, step.params);
      return run;
    }
    const resolved = params.value as Record<string, unknown>;
    if (run.dryRun) {
      run = await save(setStep(run, step.index, { status: 'dry_run', params: resolved, startedAt, endedAt: startedAt, message: row.preview(resolved) }));
      deps.telemetry.emit('playbook_step', { type: step.type, status: 'dry_run' }, { playbook: run.playbook, run: run.id });
      continue;
    }
    if (step.type === 'approval') {
      const timeoutMs = Math.max(1, Number(resolved['timeout_secs'])) * 1000;
      run = setStep(run, step.index, { status: 'waiting', params: resolved, startedAt, message: 'waiting for approval' });
      run = await save({ ...run, state: 'waiting_approval', approval: { requestedAt: startedAt, deadline: startedAt + timeoutMs, default: resolved['default'] === 'approve' ? 'approve' : 'deny', reason: 'approval_step' } });
      deps.telemetry.emit('playbook_run', { state: 'waiting_approval' }, { playbook: run.playbook, run: run.id, thing: run.thing });
      return run;
    }
    run = await save(setStep(run, step.index, { status: 'running', params: resolved, startedAt }));
    const current = run;
    const outcome = await retry<StepOutcome, VigilError>(
      async () => {
        try {
          const acted: Result<StepOutcome> = await row.act({ run: current, params: resolved, ports: deps.ports });
          return acted.ok ? acted : { ok: false, error: acted.error, retryable: RETRYABLE.has(errorKind(acted.error.code)) };
        } catch (error) {
          const crashed = toVigilError(error, 'playbook_step.crashed');
          deps.telemetry.emit('component_error', { component: 'respond', code: crashed.code, stage: step.type }, { playbook: run.playbook, run: run.id, err: crashed.message });
          return { ok: false, error: crashed, retryable: true };
        }
      },
      { timer: deps.timer, backoff: deps.backoff, maxAttempts: playbook.limits.stepAttempts, ...(deps.random === undefined ? {} : { random: deps.random }) },
    );
    if (!outcome.ok) return fail(deps, run, step.index, outcome.error, outcome.attempts, startedAt, resolved);
    const endedAt = deps.clock.now();
    run = setStep(run, step.index, { status: 'succeeded', attempts: outcome.attempts, endedAt, message: outcome.value.message, undo: outcome.value.undo });
    if (step.type === 'case_note') run = { ...run, notes: [...run.notes, { time: endedAt, text: outcome.value.message }] };
    run = await save(run);
    deps.telemetry.emit('playbook_step', { type: step.type, status: 'succeeded' }, { playbook: run.playbook, run: run.id, attempts: outcome.attempts, message: outcome.value.message });
  }
  run = await save({ ...run, state: 'succeeded' });
  deps.telemetry.emit('playbook_run', { state: 'succeeded' }, { playbook: run.playbook, run: run.id, thing: run.thing, dryRun: run.dryRun });
  return run;
}

async function fail(deps: RunnerDeps, initial: PlaybookRun, index: number, error: VigilError, attempts: number, startedAt: number, params: Readonly<Record<string, unknown>>): Promise<PlaybookRun> {
  let run = setStep(initial, index, { status: 'failed', attempts, params, startedAt, endedAt: deps.clock.now(), error: { code: error.code, message: error.message } });
  run = skipRest(run, 'an earlier step failed');
  run = { ...run, state: 'failed', updatedAt: deps.clock.now() };
  await deps.store.saveRun(run);
  const type = run.steps[index]?.type ?? 'unknown';
  deps.telemetry.emit('playbook_step', { type, status: 'failed' }, { playbook: run.playbook, run: run.id, attempts, code: error.code, err: error.message });
  deps.telemetry.emit('component_error', { component: 'respond', code: error.code, stage: type }, { playbook: run.playbook, run: run.id, err: error.message });
  deps.telemetry.emit('playbook_run', { state: 'failed' }, { playbook: run.playbook, run: run.id, thing: run.thing });
  return run;
}
