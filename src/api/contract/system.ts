import { Type } from 'typebox';
import { OpenObject, vigilErrors } from './common.js';

/** `/health` (public), `/metrics` (Prometheus text), `/api/v1/openapi.json`. */
export const systemContract = {
  health: { response: { 200: Type.Object({ status: Type.Literal('ok') }, { additionalProperties: false }), ...vigilErrors } },
  metrics: { response: { 200: Type.String({ description: 'Prometheus text exposition format 0.0.4' }), ...vigilErrors } },
  openapi: { response: { 200: OpenObject('this OpenAPI 3.0 document'), ...vigilErrors } },
} as const;
