import { numberRows } from '../relation.js';
import { command } from './command.js';

/** `reverse`: the results in the opposite order. */
export const reverse = command<null>({
  name: 'reverse',
  summary: 'reverse the order of the results',
  mode: 'search',
  parse(reader) {
    reader.rejectRest();
    return null;
  },
  plan(_args, rel) {
    numberRows(rel);
    rel.order = ['"__ord" DESC'];
  },
});
