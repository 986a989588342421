import { Type, type Static } from 'typebox';
import { listenAddress, section } from '../config/index.js';
import { protocolLimitsSchema } from '../protocol/index.js';

/** The `mqtt` section: listeners, hardening limits with safe defaults, report limits, history retention. */
const LISTEN_PATTERN = '^(\\[[0-9a-fA-F:.]+\\]|[A-Za-z0-9.-]+|[0-9a-fA-F:.]+):([0-9]{1,5})$';

export const ingressConfigSchema = section(
  {
    listen: listenAddress('0.0.0.0:8883', 'MQTT over TLS; devices must present a client certificate registered and ACTIVE, issued by a registered ACTIVE CA.'),
    // No default: plain MQTT stays off unless this key is set (listenAddress() would add one).
    plain_listen: Type.Optional(Type.String({ pattern: LISTEN_PATTERN, description: 'Plain MQTT without TLS, for local experiments only: off unless set. Clients on it are anonymous and may do anything; the audit flags it.', examples: ['127.0.0.1:1883'] })),
    max_payload_bytes: Type.Integer({ minimum: 1, maximum: 268_435_455, default: 131_072, description: 'Largest MQTT packet a client may send (IoT Core: 128 KiB); a larger one closes the connection.' }),
    keepalive_min_secs: Type.Integer({ minimum: 1, maximum: 65_535, default: 30, description: 'A keepalive below this is raised to it.' }),
    keepalive_max_secs: Type.Integer({ minimum: 1, maximum: 65_535, default: 1200, description: 'A keepalive above this, or 0 ("none"), becomes this (IoT Core: 30..1200 s).' }),
    max_inflight_messages: Type.Integer({ minimum: 1, maximum: 65_535, default: 100, description: 'QoS 1 publishes a client may have unacknowledged (the Receive Maximum an MQTT 5 client is told in CONNACK), and QoS 1 messages queued per session (offline, or beyond the client\'s own Receive Maximum); the oldest beyond it are dropped.' }),
    max_session_expiry_secs: Type.Integer({ minimum: 0, maximum: 604_800, default: 3600, description: 'Longest a persistent session (MQTT 5 clean start 0 + session expiry; MQTT 3.1.1 clean session 0) outlives its connection, with its subscriptions and queued QoS 1 messages (IoT Core: 1 hour by default). 0 turns persistent sessions off.' }),
    max_connections: Type.Integer({ minimum: 1, default: 100_000, description: 'Most simultaneous connections across listeners; more are closed before the TLS handshake.' }),
    max_pending_connections: Type.Integer({ minimum: 1, default: 128, description: 'Most connections at once that have not authenticated yet (TLS handshake and MQTT CONNECT in progress), over all addresses; addresses with known devices keep a reserve of a quarter more. More wait for a slot (`max_waiting_connections`): this bounds the handshakes sharing the CPU, so that in a reconnect storm each finishes well within `tls_handshake_timeout_secs`.' }),
    max_waiting_connections: Type.Integer({ minimum: 0, default: 20_000, description: 'Connections that wait, before any TLS work, for a slot when `max_pending_connections` is reached (a reconnect storm after a restart is served as fast as handshakes allow instead of refused; known addresses first). Beyond it, connections are closed at accept. 0: no waiting.' }),
    max_wait_secs: Type.Integer({ minimum: 1, maximum: 300, default: 30, description: 'Longest a connection waits for a pending slot (`max_waiting_connections`); one that waited longer is closed when its turn comes.' }),
    max_pending_per_ip: Type.Integer({ minimum: 1, default: 64, description: 'Most unauthenticated connections at once from one source address, plus one per device connected from it (NAT).' }),
    max_connects_per_ip: Type.Integer({ minimum: 1, default: 100, description: 'Connection attempts from one source address per `connect_window_secs` that do not authenticate (a token bucket; a device that authenticates gives its token back, so devices behind one NAT address do not use it up). Beyond it, connections from that address are closed at accept.' }),
    connect_window_secs: Type.Integer({ minimum: 1, maximum: 3600, default: 10, description: 'Window of `max_connects_per_ip`.' }),
    trusted_source_secs: Type.Integer({ minimum: 0, maximum: 31_536_000, default: 86_400, description: 'How long a source address stays known after a device authenticated from it: known addresses get larger per-address allowances and are admitted first when `max_pending_connections` is reached.' }),
    limit_exempt_cidrs: Type.Array(Type.String({ pattern: '^[0-9a-fA-F:.]+(/[0-9]{1,3})?$' }), { default: [], description: 'Source addresses or CIDRs (NAT gateways, load balancers you trust) that the per-address limits do not apply to.', examples: [['10.20.0.1', '192.168.0.0/16']] }),
    tls_handshake_timeout_secs: Type.Integer({ minimum: 1, maximum: 300, default: 8, description: 'Time a new connection has to complete the TLS handshake (also a connection that never starts it).' }),
    connect_timeout_secs: Type.Integer({ minimum: 1, maximum: 300, default: 10, description: 'Time a new connection has to send CONNECT.' }),
    history_retention_days: Type.Integer({ minimum: 1, maximum: 3650, default: 31, description: 'How long ended connections stay in the connection history (audit input).' }),
    reports: protocolLimitsSchema,
  },
  'MQTT broker (ingress): certificate authentication, IoT-policy authorization, Device Defender reserved topics, cloud-side metrics.',
);

export type IngressConfig = Static<typeof ingressConfigSchema>;
