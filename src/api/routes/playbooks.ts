import type { FastifyInstance } from 'fastify';
import type { Playbook, PlaybookRun } from '../../model/index.js';
import { STEPS, playbookDocument } from '../../respond/index.js';
import { playbooksContract as c, type PlaybookRunView, type PlaybookView } from '../contract/index.js';
import type { ApiDeps } from '../deps.js';
import { typed } from '../route-app.js';

const iso = (ms: number): string => new Date(ms).toISOString();

export function playbookView(playbook: Playbook): PlaybookView {
  const document = playbookDocument(playbook);
  return { ...document, description: playbook.description, enabled: playbook.enabled, dry_run: playbook.dryRun, limits: { max_things_per_hour: playbook.limits.maxThingsPerHour, step_attempts: playbook.limits.stepAttempts }, trigger: document.trigger as PlaybookView['trigger'], steps: document.steps as PlaybookView['steps'], createdAt: iso(playbook.createdAt), updatedAt: iso(playbook.updatedAt) };
}

export function playbookRunView(run: PlaybookRun): PlaybookRunView {
  return {
    id: run.id,
    playbook: run.playbook,
    state: run.state,
    dryRun: run.dryRun,
    trigger: { ...run.trigger, time: iso(run.trigger.time) },
    variables: { ...run.variables },
    thing: run.thing,
    steps: run.steps.map((s) => ({
      index: s.index,
      type: s.type,
      status: s.status,
      params: { ...s.params },
      attempts: s.attempts,
      ...(s.startedAt === undefined ? {} : { startedAt: iso(s.startedAt) }),
      ...(s.endedAt === undefined ? {} : { endedAt: iso(s.endedAt) }),
      ...(s.message === undefined ? {} : { message: s.message }),
      ...(s.error === undefined ? {} : { error: s.error }),
      undoable: s.status === 'succeeded' && s.undo !== undefined && STEPS[s.type].undo !== undefined,
    })),
    ...(run.approval === undefined ? {} : { approval: { ...run.approval, requestedAt: iso(run.approval.requestedAt), deadline: iso(run.approval.deadline) } }),
    notes: run.notes.map((n) => ({ time: iso(n.time), text: n.text })),
    createdAt: iso(run.createdAt),
    updatedAt: iso(run.updatedAt),
  };
}

/** `/api/v1/playbooks` (CRUD, enable/disable, run now, runs) and `/api/v1/playbook-runs` (approve, deny, undo). */
export function playbookRoutes(fastify: FastifyInstance, deps: Pick<ApiDeps, 'respond'>): void {
  const app = typed(fastify);
  const { respond } = deps;
  const tags = ['respond'];
  const page = (p: { items: readonly PlaybookRun[]; next: string | undefined }) => ({ runs: p.items.map(playbookRunView), ...(p.next === undefined ? {} : { nextToken: p.next }) });

  app.get('/api/v1/playbooks', { schema: { tags, summary: 'List playbooks', ...c.list } }, async () => ({ playbooks: (await respond.list()).map(playbookView) }));
  app.post('/api/v1/playbooks', { schema: { tags, summary: 'Create a playbook from its document', ...c.create } }, async (request, reply) => reply.status(201).send(playbookView(await respond.create(request.body))));
  app.get('/api/v1/playbooks/:name', { schema: { tags, summary: 'Describe a playbook', ...c.get } }, async (request) => playbookView(await respond.get(request.params.name)));
  app.put('/api/v1/playbooks/:name', { schema: { tags, summary: 'Replace a playbook\'s document (its runs stay)', ...c.replace } }, async (request) => playbookView(await respond.replace(request.params.name, request.body)));
  app.delete('/api/v1/playbooks/:name', { schema: { tags, summary: 'Delete a playbook and its runs', ...c.delete } }, async (request, reply) => {
    await respond.delete(request.params.name);
    return reply.status(204).send();
  });
  app.post('/api/v1/playbooks/:name/enable', { schema: { tags, summary: 'Enable: its trigger starts runs', ...c.setEnabled } }, async (request) => playbookView(await respond.setEnabled(request.params.name, true)));
  app.post('/api/v1/playbooks/:name/disable', { schema: { tags, summary: 'Disable: its trigger starts nothing', ...c.setEnabled } }, async (request) => playbookView(await respond.setEnabled(request.params.name, false)));
  app.post('/api/v1/playbooks/:name/run', { schema: { tags, summary: 'Run now with the given variables (thing, certificate_id, …)', ...c.run } }, async (request, reply) => reply.status(201).send(playbookRunView(await respond.runNow(request.params.name, request.body.variables ?? {}))));
  app.get('/api/v1/playbooks/:name/runs', { schema: { tags, summary: 'A playbook\'s runs, newest first (paged)', ...c.runs } }, async (request) => page(await respond.runs(request.params.name, { limit: request.query.limit ?? 50, cursor: request.query.nextToken })));

  app.get('/api/v1/playbook-runs', { schema: { tags, summary: 'Runs of every playbook, newest first (paged; state=waiting_approval lists what waits for an answer)', ...c.allRuns } }, async (request) => page(await respond.listRuns({ limit: request.query.limit ?? 50, cursor: request.query.nextToken, ...(request.query.state === undefined ? {} : { states: [request.query.state] }) })));
  app.get('/api/v1/playbook-runs/:id', { schema: { tags, summary: 'A run with every step\'s outcome, attempts and times', ...c.getRun } }, async (request) => playbookRunView(await respond.getRun(request.params.id)));
  app.post('/api/v1/playbook-runs/:id/approve', { schema: { tags, summary: 'Approve a waiting run (approval step or hourly limit); it goes on', ...c.answer } }, async (request) => playbookRunView(await respond.approve(request.params.id, request.body?.by)));
  app.post('/api/v1/playbook-runs/:id/deny', { schema: { tags, summary: 'Deny a waiting run; its remaining steps are skipped', ...c.answer } }, async (request) => playbookRunView(await respond.deny(request.params.id, request.body?.by)));
  app.post('/api/v1/playbook-runs/:id/undo', { schema: { tags, summary: 'Undo the run\'s quarantine and deactivate_certificate steps', ...c.undo } }, async (request) => playbookRunView(await respond.undo(request.params.id)));
}
