import { rulesContract as r, type Ok, type TopicRulePayload } from './contract/index.js';
import type { VigilClient } from './client.js';

const enc = encodeURIComponent;

/** Typed calls of the AWS IoT topic-rule routes. */
export function rulesClient(client: VigilClient) {
  return {
    list: () => client.request<Ok<typeof r.list>>('GET', '/rules?maxResults=10000'),
    get: (ruleName: string) => client.request<Ok<typeof r.get>>('GET', `/rules/${enc(ruleName)}`),
    create: (ruleName: string, payload: TopicRulePayload) => client.request<void>('POST', `/rules/${enc(ruleName)}`, payload),
    replace: (ruleName: string, payload: TopicRulePayload) => client.request<void>('PATCH', `/rules/${enc(ruleName)}`, payload),
    delete: (ruleName: string) => client.request<void>('DELETE', `/rules/${enc(ruleName)}`),
  };
}

export type RulesClient = ReturnType<typeof rulesClient>;
