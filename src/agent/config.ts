import { Type, type Static } from 'typebox';
import { section } from '../config/index.js';
import { IOT_NAME } from '../protocol/index.js';

const customMetricSchema = Type.Object(
  {
    name: Type.String({ pattern: IOT_NAME.source, description: 'the custom metric name created with CreateCustomMetric' }),
    type: Type.Union([Type.Literal('number'), Type.Literal('number-list'), Type.Literal('string-list'), Type.Literal('ip-address-list')], { description: 'CustomMetricType' }),
    command: Type.Optional(Type.String({ minLength: 1, description: 'shell command whose stdout is the value (one of command or file)' })),
    file: Type.Optional(Type.String({ minLength: 1, description: 'file whose content is the value (one of command or file)' })),
  },
  { additionalProperties: false },
);

/** The agent's own config file (`vigil agent --config FILE`): what it collects beyond `/proc/net`. */
export const agentConfigSchema = section(
  {
    custom_metrics: Type.Array(customMetricSchema, { default: [], description: 'custom metrics: a number or a list read from a command or a file; lists are separated by whitespace or commas' }),
    command_timeout_secs: Type.Integer({ minimum: 1, default: 10, description: 'how long a custom-metric command may run' }),
    proc_root: Type.String({ default: '/proc', description: 'where procfs is mounted (tests point it at fixtures)' }),
  },
  'Vigil device agent',
);

export type AgentConfig = Static<typeof agentConfigSchema>;
export type CustomMetricSpec = Static<typeof customMetricSchema>;
