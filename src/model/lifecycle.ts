/** The lifecycle every long-running component shares. */
export interface Component {
  readonly name: string;
  start(): Promise<void>;
  /** Idempotent; resolves once in-flight work is drained or abandoned. */
  stop(): Promise<void>;
}

/** A network listener's bound address, for `run/endpoints.json`. */
export interface Endpoint {
  /** Key in endpoints.json (`api`, `mqtt`, `hec`). */
  readonly name: string;
  readonly url: string;
}

/** A TLS server identity in PEM, for a listener that speaks HTTPS. */
export interface TlsCredentials {
  readonly cert: string;
  readonly key: string;
}
