import { VigilError, err, ok } from '../../core/index.js';
import { outputBytes, type RuleActionType } from './action.js';

const decoder = new TextDecoder();

/** `sns`: publishes the rule output (as text) to a notify topic. `messageFormat` JSON is treated as RAW. */
export const snsAction: RuleActionType = {
  compile(params) {
    const targetArn = params['targetArn'];
    if (typeof targetArn !== 'string' || targetArn === '') return err(new VigilError('rules.invalid_action', 'sns action needs targetArn'));
    const format = params['messageFormat'];
    if (format !== undefined && format !== 'RAW' && format !== 'JSON') return err(new VigilError('rules.invalid_action', 'sns messageFormat must be RAW or JSON'));
    return ok({
      failedAction: 'SnsAction',
      resource: () => targetArn,
      async run(input, ports) {
        const published = await ports.notifier.publish(targetArn, decoder.decode(outputBytes(input.output)));
        return published.ok ? ok(undefined) : err(published.error);
      },
    });
  },
};
