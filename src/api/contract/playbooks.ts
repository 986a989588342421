import { Type, type Static } from 'typebox';
import { contract, IsoTime, List, NoBody, Open, vigilErrors } from './common.js';

const StepBody = Open({ type: Type.String({ minLength: 1, maxLength: 64, description: 'quarantine, deactivate_certificate, revoke_certificate, disconnect, add_to_group, run_audit, notify, webhook, case_note, approval' }) }, 'a step: its type and its parameters beside it (docs/respond.md)');
/** A playbook document as sent (the engine checks every member and reports each problem with its path). */
export const PlaybookBody = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
    description: Type.Optional(Type.String({ maxLength: 2000 })),
    enabled: Type.Optional(Type.Boolean()),
    dry_run: Type.Optional(Type.Boolean()),
    trigger: Open({ type: Type.String({ minLength: 1, maxLength: 32, description: 'alert, violation or audit_finding' }) }, 'what starts the playbook'),
    limits: Type.Optional(Type.Object({ max_things_per_hour: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000 })), step_attempts: Type.Optional(Type.Integer({ minimum: 1, maximum: 10 })) }, { additionalProperties: false })),
    steps: List(StepBody, { minItems: 1, maxItems: 20 }),
    kind: Type.Optional(Type.Literal('Playbook')),
  },
  { additionalProperties: false },
);

export const PlaybookView = Type.Object(
  {
    name: Type.String(),
    description: Type.String(),
    enabled: Type.Boolean(),
    dry_run: Type.Boolean(),
    trigger: Open({ type: Type.String() }),
    limits: Type.Object({ max_things_per_hour: Type.Integer(), step_attempts: Type.Integer() }, { additionalProperties: false }),
    steps: List(Open({ type: Type.String() })),
    createdAt: IsoTime,
    updatedAt: IsoTime,
  },
  { additionalProperties: false },
);

const RunState = Type.Union([Type.Literal('running'), Type.Literal('waiting_approval'), Type.Literal('paused_rate_limit'), Type.Literal('succeeded'), Type.Literal('failed'), Type.Literal('denied'), Type.Literal('undone')]);
export const PlaybookStepView = Type.Object(
  {
    index: Type.Integer(),
    type: Type.String(),
    status: Type.String({ description: 'pending, running, succeeded, failed, skipped, dry_run, waiting, approved, denied, undone' }),
    params: Open({}),
    attempts: Type.Integer(),
    startedAt: Type.Optional(IsoTime),
    endedAt: Type.Optional(IsoTime),
    message: Type.Optional(Type.String()),
    error: Type.Optional(Type.Object({ code: Type.String(), message: Type.String() }, { additionalProperties: false })),
    undoable: Type.Boolean(),
  },
  { additionalProperties: false },
);
export const PlaybookRunView = Type.Object(
  {
    id: Type.String(),
    playbook: Type.String(),
    state: RunState,
    dryRun: Type.Boolean(),
    trigger: Type.Object({ type: Type.String(), summary: Type.String(), time: IsoTime }, { additionalProperties: false }),
    variables: Type.Record(Type.String(), Type.String()),
    thing: Type.String(),
    steps: List(PlaybookStepView),
    approval: Type.Optional(Type.Object({ requestedAt: IsoTime, deadline: IsoTime, default: Type.Union([Type.Literal('approve'), Type.Literal('deny')]), reason: Type.Union([Type.Literal('approval_step'), Type.Literal('rate_limit')]) }, { additionalProperties: false })),
    notes: List(Type.Object({ time: IsoTime, text: Type.String() }, { additionalProperties: false })),
    createdAt: IsoTime,
    updatedAt: IsoTime,
  },
  { additionalProperties: false },
);
const Name = Type.Object({ name: Type.String({ minLength: 1, maxLength: 128 }) });
const Id = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });
const PageQuery = Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 250 })), nextToken: Type.Optional(Type.String({ maxLength: 512 })), state: Type.Optional(RunState) });
const RunPage = Type.Object({ runs: List(PlaybookRunView), nextToken: Type.Optional(Type.String()) }, { additionalProperties: false });
const Answer = Type.Object({ by: Type.Optional(Type.String({ maxLength: 200, description: 'who answers (recorded on the run)' })) }, { additionalProperties: false });

/** `/api/v1/playbooks` and `/api/v1/playbook-runs`: playbooks, their runs, approvals and undo. */
export const playbooksContract = contract({
  list: { response: { 200: Type.Object({ playbooks: List(PlaybookView) }, { additionalProperties: false }), ...vigilErrors } },
  create: { body: PlaybookBody, response: { 201: PlaybookView, ...vigilErrors } },
  get: { params: Name, response: { 200: PlaybookView, ...vigilErrors } },
  replace: { params: Name, body: PlaybookBody, response: { 200: PlaybookView, ...vigilErrors } },
  delete: { params: Name, response: { 204: NoBody, ...vigilErrors } },
  setEnabled: { params: Name, response: { 200: PlaybookView, ...vigilErrors } },
  run: { params: Name, body: Type.Object({ variables: Type.Optional(Type.Record(Type.String({ maxLength: 128 }), Type.String({ maxLength: 2048 }))) }, { additionalProperties: false }), response: { 201: PlaybookRunView, ...vigilErrors } },
  runs: { params: Name, querystring: PageQuery, response: { 200: RunPage, ...vigilErrors } },
  allRuns: { querystring: PageQuery, response: { 200: RunPage, ...vigilErrors } },
  getRun: { params: Id, response: { 200: PlaybookRunView, ...vigilErrors } },
  answer: { params: Id, body: Type.Optional(Answer), response: { 200: PlaybookRunView, ...vigilErrors } },
  undo: { params: Id, response: { 200: PlaybookRunView, ...vigilErrors } },
});

export type PlaybookBody = Static<typeof PlaybookBody>;
export type PlaybookView = Static<typeof PlaybookView>;
export type PlaybookRunView = Static<typeof PlaybookRunView>;
export type PlaybookStepView = Static<typeof PlaybookStepView>;
