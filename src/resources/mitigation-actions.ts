import { Type } from 'typebox';
import { ACTION_NAME } from '../protocol/index.js';
import { detectClient } from '../api/index.js';
import { allPages, defined, type ResourceKind, type Spec } from './resource-kind.js';

/** Mitigation actions (shared by Detect and Audit). */
export const mitigationActions: ResourceKind = {
  key: 'mitigation_actions',
  label: 'mitigation action',
  nameField: 'actionName',
  schema: Type.Object(
    { actionName: Type.String({ pattern: ACTION_NAME.source }), roleArn: Type.String({ minLength: 1 }), actionParams: Type.Object({}, { additionalProperties: true }) },
    { additionalProperties: false },
  ),
  async list({ client }) {
    const detect = detectClient(client);
    const names = await allPages(async (token) => {
      const page = await detect.listMitigationActions(token);
      return { items: page.actionIdentifiers.map((a) => a.actionName), next: page.nextToken };
    });
    const specs: Spec[] = [];
    for (const name of names) {
      const a = await detect.describeMitigationAction(name);
      specs.push(defined({ actionName: a.actionName, roleArn: a.roleArn, actionParams: a.actionParams }));
    }
    return specs;
  },
  async create({ client }, spec) {
    await detectClient(client).createMitigationAction(spec['actionName'] as string, { roleArn: spec['roleArn'] as string, actionParams: spec['actionParams'] });
  },
  async update({ client }, desired) {
    await detectClient(client).updateMitigationAction(desired['actionName'] as string, { roleArn: desired['roleArn'] as string, actionParams: desired['actionParams'] });
  },
  async delete({ client }, name) {
    await detectClient(client).deleteMitigationAction(name);
  },
};
