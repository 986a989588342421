import { Type } from 'typebox';

// Written with typebox directly: telemetry and config share a layer, so telemetry cannot use config's helpers.
export const logConfigSchema = Type.Object(
  {
    level: Type.Union([Type.Literal('debug'), Type.Literal('info'), Type.Literal('warn'), Type.Literal('error'), Type.Literal('silent')], { default: 'info', description: 'Lowest level written. Provisioning (registry changes, certificates issued, migrations, applied resources) logs at debug.' }),
    format: Type.Union([Type.Literal('auto'), Type.Literal('json'), Type.Literal('pretty')], { default: 'auto', description: 'json lines, readable lines (one per event), or auto: readable when stdout and stderr are terminals, JSON otherwise. `vigil up --log-format` overrides it.' }),
    file: Type.Object(
      {
        path: Type.String({ default: '', description: 'Also append every line, as JSON, to this file (mode 0600; relative paths from the data directory). Empty: no file.', examples: ['log/vigil.log'] }),
        max_bytes: Type.Integer({ minimum: 4096, default: 10 * 1024 * 1024, description: 'The file is rotated before it grows past this size.' }),
        max_files: Type.Integer({ minimum: 0, maximum: 100, default: 5, description: 'Rotated files kept (<path>.1 newest … <path>.N oldest).' }),
      },
      { additionalProperties: false, default: {}, description: 'Optional log file with size-based rotation.' },
    ),
  },
  { additionalProperties: false, default: {}, description: 'Logs (to stderr).' },
);
