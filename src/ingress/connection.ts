import type { BrokerClient } from './broker/client.js';
import type { ConnectionAuthorizer, DisconnectReason } from '../model/index.js';

/** Decisions cached per connection (per cache), dropped on every registry change; bounded. */
export const DECISION_CACHE_MAX = 1000;

/** What the broker keeps about one authenticated connection. */
export interface Connection {
  readonly connectionId: string;
  readonly client: BrokerClient;
  readonly clientId: string;
  /** The thing bound to the connection, else the client id: the name datapoints carry. */
  readonly name: string;
  readonly registered: boolean;
  /** Undefined on the plain listener: an anonymous client that may do anything. */
  readonly certificateId: string | undefined;
  readonly caCertificateId: string | undefined;
  readonly authorizer: ConnectionAuthorizer | undefined;
  readonly sourceIp: string | undefined;
  readonly connectedAt: number;
  readonly receive: Map<string, boolean>;
  /** Publish decisions (key: topic, prefixed with \u0001 when retained), dropped like `receive`. */
  readonly publish: Map<string, boolean>;
  /** Set by whoever closes the connection on purpose, read when it ends. */
  closeReason: DisconnectReason | undefined;
  /** Set once the connection is registered with the broker (CONNACK sent). */
  ready: boolean;
}

/** Why a connection ended when nobody recorded a reason. */
export function inferredReason(client: BrokerClient): DisconnectReason {
  switch (client.ending) {
    case 'client':
      return 'CLIENT_INITIATED_DISCONNECT';
    case 'takeover':
      return 'DUPLICATE_CLIENTID';
    case 'keepalive':
      return 'MQTT_KEEP_ALIVE_TIMEOUT';
    case 'error':
      return 'CLIENT_ERROR';
    case 'server':
      return 'SERVER_SHUTDOWN';
    default:
      return 'CONNECTION_LOST';
  }
}
