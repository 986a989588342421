import type { CaCertificateStatus, CertificateStatus } from './registry.js';

/** A change in the registry that can alter who may connect or what a connection may do. */
export type RegistryChange =
  | { readonly kind: 'certificate_status'; readonly certificateId: string; readonly status: CertificateStatus | 'DELETED' }
  | { readonly kind: 'ca_status'; readonly caCertificateId: string; readonly status: CaCertificateStatus }
  | { readonly kind: 'policy'; readonly policyName: string }
  | { readonly kind: 'attachment'; readonly policyName?: string; readonly certificateId?: string; readonly thingName?: string; readonly groupName?: string }
  | { readonly kind: 'membership'; readonly thingName?: string; readonly groupName: string }
  | { readonly kind: 'thing'; readonly thingName: string }
  /** Anything may have changed (e.g. a cluster node missed changes while cut off from the others): drop every cache, re-check every connection. */
  | { readonly kind: 'resync' };

/**
 * Registry change notifications, so the broker can drop a connection whose certificate was
 * deactivated or revoked, or re-check live subscriptions after a policy change.
 */
export interface RegistryEvents {
  /** Calls `listener` synchronously after each committed change; returns the unsubscribe function. */
  subscribe(listener: (change: RegistryChange) => void): () => void;
}

/** What the registry knows about a certificate a device presented. */
export interface DeviceIdentity {
  readonly certificateId: string;
  readonly status: CertificateStatus;
  readonly caCertificateId: string | undefined;
  /** Undefined when the issuing CA is not registered. */
  readonly caStatus: CaCertificateStatus | undefined;
  /** Things the certificate is attached to. */
  readonly thingNames: readonly string[];
}

/** Who is connecting, as the broker sees it. */
export interface ConnectionContext {
  readonly certificateId: string;
  readonly clientId: string;
  /** `aws:SourceIp`. */
  readonly sourceIp?: string | undefined;
  /** `iot:ConnectAttributes` (`PersistentConnect`, `LastWill`). */
  readonly connectAttributes?: readonly string[] | undefined;
  readonly lastWillTopic?: string | undefined;
}

export type IotAction = 'iot:Connect' | 'iot:Publish' | 'iot:RetainPublish' | 'iot:Subscribe' | 'iot:Receive' | (string & {});

/** The IoT-policy decisions of one connection; results are cached until the registry changes. */
export interface ConnectionAuthorizer {
  readonly context: ConnectionContext;
  /** The thing bound to this connection (client id equals the name of a thing attached to the certificate). */
  readonly thingName: string | undefined;
  /** Any action on a full resource ARN. */
  authorize(action: IotAction, resourceArn: string): Promise<boolean>;
  canConnect(): Promise<boolean>;
  /** A retained publish needs both iot:Publish and iot:RetainPublish. */
  canPublish(topic: string, retain?: boolean): Promise<boolean>;
  canSubscribe(topicFilter: string): Promise<boolean>;
  canReceive(topic: string): Promise<boolean>;
  /** Why the last denied request was denied (statement or ARN that failed to match), for the refusal's log line. */
  readonly lastDenial?: string | undefined;
  /** Drops the cache; the authorizer must not be used afterwards. */
  close(): void;
}

/** The port the MQTT ingress uses: authentication by certificate, then per-connection authorization. */
export interface DeviceAuth {
  /** By DER bytes or by certificate id (SHA-256 hex of the DER). Undefined when not registered. */
  authenticate(certificate: Uint8Array | string): Promise<DeviceIdentity | undefined>;
  openConnection(context: ConnectionContext): Promise<ConnectionAuthorizer>;
  readonly events: RegistryEvents;
}

/** The broker's TLS identity, issued by the built-in CA. */
export interface ServerCredentials {
  readonly certificatePem: string;
  readonly privateKeyPem: string;
  /** The built-in CA certificate: what devices trust, and what issues device certificates. */
  readonly caPem: string;
  /** Every active registered CA (PEM), for verifying client certificates. */
  trustedCaPems(): Promise<string[]>;
}
