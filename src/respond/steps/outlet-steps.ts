import { ok, type Result } from '../../core/index.js';
import { str, strings, type StepContext, type StepOutcome, type StepRow } from './types.js';

function summary(context: StepContext): string {
  const { run } = context;
  return JSON.stringify({ playbook: run.playbook, run_id: run.id, thing: run.thing, trigger: run.trigger, variables: run.variables });
}

export const runAudit: StepRow = {
  description: 'start an on-demand audit of the given checks',
  params: { checks: { kind: 'string[]', required: true } },
  preview: (p) => `would start an audit of ${strings(p['checks']).join(', ')}`,
  async act({ params, ports }): Promise<Result<StepOutcome>> {
    const started = await ports.outlets.startAudit(strings(params['checks']));
    return started.ok ? ok({ message: `audit task ${started.value}` }) : started;
  },
};

export const notify: StepRow = {
  description: 'publish to a notify topic (default message: the run as JSON)',
  params: { topic: { kind: 'string', required: true }, message: { kind: 'string' }, subject: { kind: 'string', default: 'Vigil playbook ${playbook}' } },
  preview: (p) => `would publish to topic ${str(p['topic'])}`,
  async act(context): Promise<Result<StepOutcome>> {
    const { params, ports } = context;
    const message = str(params['message']) || summary(context);
    const published = await ports.outlets.publish(str(params['topic']), message, str(params['subject']));
    return published.ok ? ok({ message: `published to ${str(params['topic'])}` }) : published;
  },
};

export const webhook: StepRow = {
  description: "POST the run as JSON (or `body`), signed with Vigil's respond webhook secret (x-vigil-signature)",
  params: { url: { kind: 'string', required: true }, body: { kind: 'string' } },
  preview: (p) => `would POST to ${str(p['url'])}`,
  async act(context): Promise<Result<StepOutcome>> {
    const { params, ports } = context;
    const posted = await ports.outlets.postWebhook(str(params['url']), str(params['body']) || summary(context));
    return posted.ok ? ok({ message: `POSTed to ${str(params['url'])}` }) : posted;
  },
};

/** Writes the note on the run itself (the runner appends it to the run's notes). */
export const caseNote: StepRow = {
  description: "write a note on the run's case record",
  params: { text: { kind: 'string', required: true } },
  preview: (p) => `would note: ${str(p['text'])}`,
  async act({ params }): Promise<Result<StepOutcome>> {
    return ok({ message: str(params['text']) });
  },
};

/** The runner handles approval itself (it stops the run until an answer or the timeout). */
export const approval: StepRow = {
  description: 'wait for a person: `vigil respond approve RUN_ID` (or deny); after timeout_secs the default answer applies',
  params: { timeout_secs: { kind: 'number', default: 3600 }, default: { kind: 'string', default: 'deny', oneOf: ['approve', 'deny'] }, reason: { kind: 'string' } },
  preview: (p) => `would wait up to ${String(p['timeout_secs'])} s for approval (default ${str(p['default'])})`,
  async act(): Promise<Result<StepOutcome>> {
    return ok({ message: 'approved' });
  },
};
