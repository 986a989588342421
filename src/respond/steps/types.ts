import type { Result } from '../../core/index.js';
import type { DeviceConnections, PlaybookRun, RespondOutlets, RespondRegistry } from '../../model/index.js';

export type ParamKind = 'string' | 'number' | 'boolean' | 'string[]';

export interface ParamSpec {
  readonly kind: ParamKind;
  readonly required?: boolean;
  /** Filled in when the step leaves the parameter out (may hold `${variables}`). */
  readonly default?: string | number | boolean | readonly string[];
  readonly oneOf?: readonly string[];
}

export interface StepPorts {
  readonly registry: RespondRegistry;
  readonly connections: DeviceConnections;
  readonly outlets: RespondOutlets;
}

/** One step of one run: its parameters after substitution. */
export interface StepContext {
  readonly run: PlaybookRun;
  readonly params: Readonly<Record<string, unknown>>;
  readonly ports: StepPorts;
}

/** What a step did: a line for the run record, and what `undo` needs (absent: nothing to undo). */
export interface StepOutcome {
  readonly message: string;
  readonly undo?: Readonly<Record<string, unknown>> | undefined;
}

/**
 * One row of the step table. `act` must be idempotent: run twice (a retry, a resumed run) it
 * finds the change already made and says so. `preview` is what a dry run records.
 */
export interface StepRow {
  readonly description: string;
  readonly params: Readonly<Record<string, ParamSpec>>;
  act(context: StepContext): Promise<Result<StepOutcome>>;
  preview(params: Readonly<Record<string, unknown>>): string;
  undo?(data: Readonly<Record<string, unknown>>, ports: StepPorts): Promise<Result<string>>;
}

export const str = (value: unknown): string => (typeof value === 'string' ? value : '');
export const strings = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : []);
