import type { RuleActionType } from './action.js';
import { firehoseAction } from './firehose.js';
import { republishAction } from './republish.js';
import { snsAction } from './sns.js';

/** Supported topic-rule actions by their AWS `Action` key; adding one means adding a file and a row. */
export const RULE_ACTIONS: Readonly<Record<string, RuleActionType>> = {
  firehose: firehoseAction,
  republish: republishAction,
  sns: snsAction,
};

export type { ActionPorts, ActionInput, CompiledAction, RuleActionType } from './action.js';
