import type { FastifyRequest } from 'fastify';
import { VigilError } from '../../core/index.js';

/** Helpers shared by the AWS IoT registry route files (rest-json: query members are strings, times are epoch seconds). */
export function query(request: FastifyRequest): Record<string, string | undefined> {
  return (request.query ?? {}) as Record<string, string | undefined>;
}

export function params(request: FastifyRequest): Record<string, string> {
  return request.params as Record<string, string>;
}

export function body(request: FastifyRequest): Record<string, unknown> {
  const value = request.body;
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value) || Buffer.isBuffer(value)) throw new VigilError('api.invalid_request', 'the request body must be a JSON object');
  return value as Record<string, unknown>;
}

export function bool(value: string | undefined, name: string): boolean | undefined {
  if (value === undefined) return undefined;
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw new VigilError('api.invalid_request', `${name} must be true or false`);
}

export function int(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^-?[0-9]+$/.test(value)) throw new VigilError('api.invalid_request', `${name} must be an integer`);
  return Number(value);
}

export function str(record: Record<string, unknown>, name: string): string | undefined {
  const value = record[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new VigilError('api.invalid_request', `${name} must be a string`);
  return value;
}

export function required(record: Record<string, unknown>, name: string): string {
  const value = str(record, name);
  if (value === undefined || value === '') throw new VigilError('api.invalid_request', `${name} is required`);
  return value;
}

export function optionalBool(record: Record<string, unknown>, name: string): boolean | undefined {
  const value = record[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw new VigilError('api.invalid_request', `${name} must be a boolean`);
  return value;
}

export function attributes(record: Record<string, unknown>, name: string): { attributes?: Record<string, string>; merge?: boolean } | undefined {
  const payload = record[name];
  if (payload === undefined || payload === null) return undefined;
  if (typeof payload !== 'object' || Array.isArray(payload)) throw new VigilError('api.invalid_request', `${name} must be an object`);
  const p = payload as Record<string, unknown>;
  const attrs = p['attributes'];
  if (attrs !== undefined && (typeof attrs !== 'object' || attrs === null || Array.isArray(attrs) || !Object.values(attrs).every((v) => typeof v === 'string'))) {
    throw new VigilError('api.invalid_request', `${name}.attributes must map names to strings`);
  }
  const merge = optionalBool(p, 'merge');
  return { ...(attrs === undefined ? {} : { attributes: attrs as Record<string, string> }), ...(merge === undefined ? {} : { merge }) };
}

/** rest-json timestamps: epoch seconds. */
export function seconds(ms: number): number {
  return ms / 1000;
}

/** Drops undefined members so responses carry only what is set. */
export function compact<T extends Record<string, unknown>>(value: T): T {
  for (const key of Object.keys(value)) if (value[key] === undefined) delete value[key];
  return value;
}
