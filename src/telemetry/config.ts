import { Type } from 'typebox';
import { section } from '../config/index.js';

export const logConfigSchema = section(
  {
    level: Type.Union([Type.Literal('debug'), Type.Literal('info'), Type.Literal('warn'), Type.Literal('error'), Type.Literal('silent')], { default: 'info', description: 'Lowest level written.' }),
    format: Type.Union([Type.Literal('auto'), Type.Literal('json'), Type.Literal('pretty')], { default: 'auto', description: 'json lines, readable lines, or auto (readable on a terminal, JSON otherwise).' }),
  },
  'Logs (to stderr).',
);
