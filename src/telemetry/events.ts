/**
 * The fixed list of Vigil's internal events. Each one is a Prometheus counter
 * (`vigil_<name>_total`, with exactly these labels) and one structured log line at its level.
 * Adding an event means adding a row here; emitting an unlisted name does not compile.
 */
export const EVENTS = {
  server_started: { level: 'info', labels: ['component'], help: 'A listener started (address in the log line).' },
  server_stopped: { level: 'info', labels: ['component'], help: 'A listener stopped.' },
  config_loaded: { level: 'info', labels: [], help: 'The configuration was loaded and validated.' },
  secret_created: { level: 'info', labels: ['name'], help: 'A secret file was created under the data directory (its path is logged, never its content).' },
  store_migrated: { level: 'info', labels: ['store'], help: 'A store applied a schema migration.' },
  api_request: { level: 'debug', labels: ['method', 'route', 'status'], help: 'An HTTP API request was answered.' },
  api_auth_failed: { level: 'warn', labels: ['reason'], help: 'An HTTP API request was refused for missing or bad credentials.' },
  access_key_created: { level: 'info', labels: [], help: 'A SigV4 access key was created.' },
  access_key_deleted: { level: 'info', labels: [], help: 'A SigV4 access key was deleted.' },
  component_error: { level: 'error', labels: ['component', 'code', 'stage'], help: 'A component hit an error it could not handle in place.' },
  shutdown: { level: 'info', labels: ['signal'], help: 'Shutdown began.' },
} as const satisfies Record<string, EventSpec>;

export interface EventSpec {
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly labels: readonly string[];
  readonly help: string;
}

export type EventName = keyof typeof EVENTS;
export type EventLabels<N extends EventName> = { readonly [K in (typeof EVENTS)[N]['labels'][number]]: string | number };

/** Point-in-time values (`vigil_<name>`), set rather than counted. */
export const GAUGES = {
  uptime_seconds: { labels: [], help: 'Seconds since this process started serving.' },
} as const satisfies Record<string, { labels: readonly string[]; help: string }>;

export type GaugeName = keyof typeof GAUGES;
export type GaugeLabels<N extends GaugeName> = { readonly [K in (typeof GAUGES)[N]['labels'][number]]: string | number };
