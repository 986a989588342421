import { Type } from 'typebox';
import { ACTION_NAME } from '../../protocol/index.js';
import { allPages, defined, enc, type ResourceKind, type Spec } from './resource-kind.js';

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
    const names = await allPages(async (token) => {
      const page = await client.request<{ actionIdentifiers: Array<{ actionName: string }>; nextToken?: string }>('GET', `/mitigationactions/actions?maxResults=250${token === undefined ? '' : `&nextToken=${enc(token)}`}`);
      return { items: page.actionIdentifiers.map((a) => a.actionName), next: page.nextToken };
    });
    const specs: Spec[] = [];
    for (const name of names) {
      const a = await client.request<{ actionName: string; roleArn: string; actionParams: Spec }>('GET', `/mitigationactions/actions/${enc(name)}`);
      specs.push(defined({ actionName: a.actionName, roleArn: a.roleArn, actionParams: a.actionParams }));
    }
    return specs;
  },
  async create({ client }, spec) {
    await client.request('POST', `/mitigationactions/actions/${enc(spec['actionName'] as string)}`, { roleArn: spec['roleArn'], actionParams: spec['actionParams'] });
  },
  async update({ client }, desired) {
    await client.request('PATCH', `/mitigationactions/actions/${enc(desired['actionName'] as string)}`, { roleArn: desired['roleArn'], actionParams: desired['actionParams'] });
  },
  async delete({ client }, name) {
    await client.request('DELETE', `/mitigationactions/actions/${enc(name)}`);
  },
};
