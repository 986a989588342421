import type { FastifySchemaValidationError } from 'fastify';
import { Compile } from 'typebox/compile';
import type { TSchema } from 'typebox';
import { VigilError } from '../core/index.js';

/**
 * A request validation failure as one sentence naming the field, in fastify's own style
 * (`body/alert/actions/0 must have required property 'url'`), and naming the key an object does
 * not allow (`body must NOT have additional property 'colour'`). Of a union's errors, the deepest
 * (the branch that matched furthest) is the one reported.
 */
export function formatValidationErrors(errors: FastifySchemaValidationError[], dataVar: string): Error {
  const depth = (e: FastifySchemaValidationError): number => (e.instancePath ?? '').split('/').length + (e.keyword === 'anyOf' ? -1 : 0);
  const chosen = errors.reduce<FastifySchemaValidationError | undefined>((best, e) => (best === undefined || depth(e) > depth(best) ? e : best), undefined);
  if (chosen === undefined) return new Error(`${dataVar} is not valid`);
  const params = (chosen.params ?? {}) as { additionalProperty?: string; allowedValues?: unknown[] };
  let problem = chosen.message ?? 'is not valid';
  if (params.additionalProperty !== undefined) problem = `must NOT have additional property '${params.additionalProperty}'`;
  else if (params.allowedValues !== undefined) problem = `must be one of ${params.allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
  return new Error(`${dataVar}${chosen.instancePath ?? ''} ${problem}`);
}

interface SerializerRoute {
  readonly schema: unknown;
  readonly method: string;
  readonly url: string;
  readonly httpStatus?: string | undefined;
}

/**
 * Response schemas document and type the contract; they never reshape output (every route answers
 * exactly what its handler built, through JSON.stringify). With `validate` (VIGIL_VALIDATE_RESPONSES=1,
 * as the test suite runs) each response is first checked against its schema and a mismatch is a
 * 500 `internal.response_contract` naming the route, status and path.
 */
export function responseSerializerCompiler(validate: boolean): (route: SerializerRoute) => (data: unknown) => string {
  return ({ schema, method, url, httpStatus }) => {
    if (!validate) return (data) => JSON.stringify(data);
    const check = Compile(schema as TSchema);
    return (data) => {
      const text = JSON.stringify(data);
      const sent: unknown = text === undefined ? null : JSON.parse(text);
      if (!check.Check(sent)) {
        const problems = check.Errors(sent).slice(0, 3).map((e) => `${e.instancePath === '' ? '(root)' : e.instancePath} ${e.message}`);
        throw new VigilError('internal.response_contract', `${method} ${url} answered ${httpStatus ?? '?'} with a body its schema does not allow: ${problems.join('; ')}`);
      }
      return text ?? '';
    };
  };
}

export const validateResponses = (): boolean => process.env['VIGIL_VALIDATE_RESPONSES'] === '1';
