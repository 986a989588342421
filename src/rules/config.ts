import { Type, type Static } from 'typebox';
import { section } from '../config/index.js';

export const rulesConfigSchema = section(
  {
    max_sql_bytes: Type.Integer({ minimum: 64, maximum: 1_048_576, default: 262_144, description: 'Longest rule SQL statement, in UTF-8 bytes; a longer one is refused at create with 400.' }),
    max_sql_depth: Type.Integer({ minimum: 4, maximum: 256, default: 64, description: 'Deepest nesting of a rule SQL expression (parentheses, NOT, unary minus, function arguments, object and array literals, [index]).' }),
    max_sql_terms: Type.Integer({ minimum: 16, maximum: 100_000, default: 2000, description: 'Most terms (values, fields, calls, operators) in one rule SQL statement.' }),
    max_payload_depth: Type.Integer({ minimum: 1, maximum: 4096, default: 512, description: 'A message nested deeper than this is treated as not JSON (its fields are Undefined; SELECT * passes its bytes).' }),
    max_republish_hops: Type.Integer({ minimum: 1, maximum: 64, default: 8, description: 'Most rule actions in a row a message may pass through (a rule republishing to a topic another rule, or itself, selects): a publish past it is refused (the errorAction hears of it), so a rule loop ends instead of running forever.' }),
    disable_after_failures: Type.Integer({ minimum: 1, maximum: 1_000_000, default: 10, description: 'Consecutive messages on which a rule throws (evaluation or an action crashing, not an action reporting an error) before the rule is disabled; its errorAction hears of each.' }),
  },
  'Topic rules: limits on rule SQL and messages, and how many failures disable a rule.',
);

export type RulesConfig = Static<typeof rulesConfigSchema>;
