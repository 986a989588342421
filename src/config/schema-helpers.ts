import { Type, type TProperties, type TObject, type TString } from 'typebox';

/**
 * Helpers that components use to write their config schemas, so every section reads the same way:
 * snake_case keys, defaults on every leaf, unknown keys rejected, and a description that
 * `vigil config example` prints as a comment.
 */

/** A config section: an object that rejects unknown keys and defaults to `{}` (so its leaf defaults apply). */
export function section<P extends TProperties>(properties: P, description: string): TObject<P> {
  return Type.Object(properties, { additionalProperties: false, default: {}, description });
}

const LISTEN_PATTERN = '^(\\[[0-9a-fA-F:.]+\\]|[A-Za-z0-9.-]+|[0-9a-fA-F:.]+):([0-9]{1,5})$';

/** `host:port` or `[v6]:port`; port 0 binds an ephemeral port. */
export function listenAddress(defaultValue: string, description: string): TString {
  return Type.String({ pattern: LISTEN_PATTERN, default: defaultValue, description, examples: ['127.0.0.1:0'] });
}

export interface ListenAddress {
  readonly host: string;
  readonly port: number;
}

/** Splits a validated `host:port` string; IPv6 brackets are removed from the host. */
export function parseListen(value: string): ListenAddress {
  const index = value.lastIndexOf(':');
  const host = value.slice(0, index).replace(/^\[(.*)\]$/, '$1');
  return { host, port: Number(value.slice(index + 1)) };
}

/** Formats a host and port as a URL authority (`[::1]:8080` for IPv6). */
export function formatAuthority(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
