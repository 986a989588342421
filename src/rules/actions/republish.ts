import { VigilError, err, ok } from '../../core/index.js';
import { compileTemplate, renderTemplate } from '../sql/template.js';
import { outputBytes, type RuleActionType } from './action.js';

/** `republish`: publishes the rule output to an MQTT topic (substitution templates allowed). */
export const republishAction: RuleActionType = {
  compile(params) {
    const topic = params['topic'];
    if (typeof topic !== 'string' || topic === '') return err(new VigilError('rules.invalid_action', 'republish action needs topic'));
    const qos = params['qos'] ?? 0;
    if (qos !== 0 && qos !== 1) return err(new VigilError('rules.invalid_action', 'republish qos must be 0 or 1'));
    const template = compileTemplate(topic);
    if (!template.ok) return template;
    return ok({
      failedAction: 'RepublishAction',
      resource: (input) => renderTemplate(template.value, input),
      async run(input, ports) {
        const target = renderTemplate(template.value, input);
        if (target === '' || target.includes('+') || target.includes('#')) return err(new VigilError('rules.invalid_topic', `republish topic "${target}" is not a valid topic name`));
        return ports.publisher.publish(target, outputBytes(input.output), { qos });
      },
    });
  },
};
