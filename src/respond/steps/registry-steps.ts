import { VigilError, err, ok, type Result } from '../../core/index.js';
import type { CertificateStatus, RespondRegistry } from '../../model/index.js';
import { str, strings, type StepContext, type StepOutcome, type StepRow } from './types.js';

const thingParam = { kind: 'string', default: '${thing}' } as const;
const noThing = (): Result<never> => err(new VigilError('playbook_step.no_target', 'the step names no thing (the trigger set no ${thing}; give the step a thing parameter)'));

/** The certificate the step names, else every certificate attached to its thing. */
async function certificatesOf(context: StepContext): Promise<Result<string[]>> {
  const named = str(context.params['certificate']);
  if (named !== '') return ok([named.replace(/^0x/i, '').toLowerCase()]);
  const thing = str(context.params['thing']);
  if (thing === '') return err(new VigilError('playbook_step.no_target', 'the step names no certificate and no thing (the trigger set neither ${certificate_id} nor ${thing})'));
  return context.ports.registry.certificatesOfThing(thing);
}

async function setStatus(registry: RespondRegistry, ids: readonly string[], status: CertificateStatus): Promise<Result<{ changed: string[]; already: string[] }>> {
  const changed: string[] = [];
  const already: string[] = [];
  for (const id of ids) {
    const current = await registry.certificateStatus(id);
    if (!current.ok) return current;
    if (current.value === status || (status === 'INACTIVE' && current.value === 'REVOKED')) {
      already.push(id);
      continue;
    }
    const set = await registry.setCertificateStatus(id, status);
    if (!set.ok) return set;
    changed.push(id);
  }
  return ok({ changed, already });
}

function certificateStep(status: 'INACTIVE' | 'REVOKED', verb: string, undoable: boolean): StepRow {
  return {
    description: `set the certificate (else every certificate of the thing) ${status}: the broker drops its connections`,
    params: { certificate: { kind: 'string', default: '${certificate_id}' }, thing: thingParam },
    preview: (p) => `would ${verb} ${str(p['certificate']) || `every certificate of ${str(p['thing'])}`}`,
    async act(context): Promise<Result<StepOutcome>> {
      const ids = await certificatesOf(context);
      if (!ids.ok) return ids;
      if (ids.value.length === 0) return ok({ message: `${str(context.params['thing'])} has no certificate: nothing to ${verb}` });
      const set = await setStatus(context.ports.registry, ids.value, status);
      if (!set.ok) return set;
      const { changed, already } = set.value;
      const message = [changed.length > 0 ? `${verb}d ${changed.join(', ')}` : '', already.length > 0 ? `already ${status}: ${already.join(', ')}` : ''].filter((s) => s !== '').join('; ');
      return ok({ message, ...(undoable && changed.length > 0 ? { undo: { certificates: changed } } : {}) });
    },
    ...(undoable
      ? {
          async undo(data, ports): Promise<Result<string>> {
            const ids = strings(data['certificates']);
            for (const id of ids) {
              const current = await ports.registry.certificateStatus(id);
              if (!current.ok) return current;
              if (current.value !== 'INACTIVE') continue; // revoked since, or set ACTIVE by hand: leave it
              const set = await ports.registry.setCertificateStatus(id, 'ACTIVE');
              if (!set.ok) return set;
            }
            return ok(`reactivated ${ids.join(', ')}`);
          },
        }
      : {}),
  };
}

export const quarantine: StepRow = {
  description: 'move the thing out of its groups into a quarantine group whose policy denies everything (group and policy created when missing)',
  params: { thing: thingParam, group: { kind: 'string', default: 'vigil-quarantine' }, policy: { kind: 'string', default: 'vigil-quarantine-deny' } },
  preview: (p) => `would move ${str(p['thing'])} into ${str(p['group'])} (policy ${str(p['policy'])} denies everything)`,
  async act({ params, ports }): Promise<Result<StepOutcome>> {
    const thing = str(params['thing']);
    const group = str(params['group']);
    if (thing === '') return noThing();
    const ensured = await ports.registry.ensureQuarantineGroup(group, str(params['policy']));
    if (!ensured.ok) return ensured;
    const groups = await ports.registry.groupsOfThing(thing);
    if (!groups.ok) return groups;
    const previous = groups.value.filter((g) => g !== group);
    // Into quarantine first, so the thing is never outside both.
    const added = await ports.registry.addThingToGroup(group, thing);
    if (!added.ok) return added;
    for (const other of previous) {
      const removed = await ports.registry.removeThingFromGroup(other, thing);
      if (!removed.ok) return removed;
    }
    const already = groups.value.includes(group) && previous.length === 0;
    if (already) return ok({ message: `${thing} was already in ${group}` });
    return ok({ message: `moved ${thing} into ${group}${previous.length > 0 ? ` (out of ${previous.join(', ')})` : ''}`, undo: { thing, group, previousGroups: previous, added: !groups.value.includes(group) } });
  },
  async undo(data, ports): Promise<Result<string>> {
    const thing = str(data['thing']);
    const previous = strings(data['previousGroups']);
    for (const group of previous) {
      const added = await ports.registry.addThingToGroup(group, thing);
      if (!added.ok) return added;
    }
    if (data['added'] === true) {
      const removed = await ports.registry.removeThingFromGroup(str(data['group']), thing);
      if (!removed.ok) return removed;
    }
    return ok(`moved ${thing} back${previous.length > 0 ? ` into ${previous.join(', ')}` : ''} and out of ${str(data['group'])}`);
  },
};

export const deactivateCertificate = certificateStep('INACTIVE', 'deactivate', true);
export const revokeCertificate = certificateStep('REVOKED', 'revoke', false);

export const addToGroup: StepRow = {
  description: 'add the thing to a thing group',
  params: { thing: thingParam, group: { kind: 'string', required: true } },
  preview: (p) => `would add ${str(p['thing'])} to ${str(p['group'])}`,
  async act({ params, ports }): Promise<Result<StepOutcome>> {
    const thing = str(params['thing']);
    if (thing === '') return noThing();
    const added = await ports.registry.addThingToGroup(str(params['group']), thing);
    return added.ok ? ok({ message: `${thing} is in ${str(params['group'])}` }) : added;
  },
};

export const disconnect: StepRow = {
  description: "close the thing's live MQTT connections",
  params: { thing: thingParam },
  preview: (p) => `would disconnect ${str(p['thing'])}`,
  async act({ params, ports }): Promise<Result<StepOutcome>> {
    const thing = str(params['thing']);
    if (thing === '') return noThing();
    const closed = await ports.connections.disconnect(thing, 'FORBIDDEN_ACCESS');
    return ok({ message: closed === 0 ? `${thing} was not connected` : `closed ${closed} connection${closed === 1 ? '' : 's'} of ${thing}` });
  },
};
