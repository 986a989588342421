import { VigilError, err, ok } from '../../core/index.js';
import { compileTemplate, renderTemplate } from '../sql/template.js';
import { outputBytes, type RuleActionType } from './action.js';

// B.7: the separators the IoT Firehose action accepts.
const SEPARATORS = new Set(['\n', '\t', '\r\n', ',']);
const MAX_BATCH = 500;
const encoder = new TextEncoder();

/** `firehose`: puts the rule output into a Vigil stream (one record per hit, or per array element with `batchMode`). */
export const firehoseAction: RuleActionType = {
  compile(params) {
    const name = params['deliveryStreamName'];
    if (typeof name !== 'string' || name === '') return err(new VigilError('rules.invalid_action', 'firehose action needs deliveryStreamName'));
    const separator = params['separator'];
    if (separator !== undefined && (typeof separator !== 'string' || !SEPARATORS.has(separator))) {
      return err(new VigilError('rules.invalid_action', 'firehose separator must be one of "\\n", "\\t", "\\r\\n", ","'));
    }
    const template = compileTemplate(name);
    if (!template.ok) return template;
    const suffix = typeof separator === 'string' ? encoder.encode(separator) : undefined;
    const batchMode = params['batchMode'] === true;
    const withSeparator = (bytes: Uint8Array): Uint8Array => {
      if (suffix === undefined) return bytes;
      const out = new Uint8Array(bytes.length + suffix.length);
      out.set(bytes);
      out.set(suffix, bytes.length);
      return out;
    };
    return ok({
      failedAction: 'FirehoseAction',
      resource: (input) => renderTemplate(template.value, input),
      async run(input, ports) {
        const stream = renderTemplate(template.value, input);
        let records: Uint8Array[];
        if (batchMode && input.output.kind === 'json' && Array.isArray(input.output.value)) {
          const items = input.output.value;
          if (items.length === 0) return ok(undefined);
          if (items.length > MAX_BATCH) return err(new VigilError('rules.batch_too_large', `batchMode output has ${items.length} elements; at most ${MAX_BATCH} fit one PutRecordBatch`));
          records = items.map((item) => withSeparator(encoder.encode(JSON.stringify(item))));
        } else {
          records = [withSeparator(outputBytes(input.output))];
        }
        const put = await ports.putter.put(stream, records);
        return put.ok ? ok(undefined) : err(put.error);
      },
    });
  },
};
