import { Type } from 'typebox';

// Written with typebox directly: telemetry and config share a layer, so telemetry cannot use config's helpers.
export const logConfigSchema = Type.Object(
  {
    level: Type.Union([Type.Literal('debug'), Type.Literal('info'), Type.Literal('warn'), Type.Literal('error'), Type.Literal('silent')], { default: 'info', description: 'Lowest level written.' }),
    format: Type.Union([Type.Literal('auto'), Type.Literal('json'), Type.Literal('pretty')], { default: 'auto', description: 'json lines, readable lines, or auto (readable on a terminal, JSON otherwise).' }),
  },
  { additionalProperties: false, default: {}, description: 'Logs (to stderr).' },
);
