import { Type, type Static } from 'typebox';
import { section } from '../config/index.js';

/**
 * The `cluster` section. Empty `nats.urls` (the default) is the single-machine mode: no NATS, nothing
 * shared. With NATS URLs, every node with the same `subject_prefix`, PostgreSQL registry and secret
 * key forms one Vigil (docs/cluster.md).
 */
export const clusterConfigSchema = section(
  {
    node_id: Type.String({ pattern: '^[A-Za-z0-9_.-]{0,64}$', default: '', description: 'This node\'s name in the cluster (unique per node). Empty: the host name.', examples: ['vigil-a'] }),
    subject_prefix: Type.String({ pattern: '^[A-Za-z0-9_-]{1,32}$', default: 'vigil', description: 'First token of every NATS subject this cluster uses; clusters sharing one NATS need different prefixes.' }),
    nats: section(
      {
        urls: Type.Array(Type.String({ minLength: 1 }), { default: [], description: 'NATS servers (nats://host:port or tls://host:port). Empty: cluster mode off.', examples: [['nats://127.0.0.1:4222', 'nats://127.0.0.1:4223']] }),
        credentials_file: Type.String({ default: '', description: 'A NATS .creds file (JWT + NKey seed) for this node. Empty: none.' }),
        token_file: Type.String({ default: '', description: 'A file holding a NATS token. Empty: none.' }),
        user: Type.String({ default: '', description: 'NATS user name (with password_file).' }),
        password_file: Type.String({ default: '', description: 'A file holding the NATS password of `user`.' }),
        tls_ca_file: Type.String({ default: '', description: 'CA bundle that signs the NATS servers\' certificates (tls:// URLs). Empty: the system CAs.' }),
        tls_cert_file: Type.String({ default: '', description: 'Client certificate for NATS servers that require one.' }),
        tls_key_file: Type.String({ default: '', description: 'Key of `tls_cert_file`.' }),
      },
      'How this node reaches NATS.',
    ),
    secret_key_file: Type.String({ default: '', description: 'A file (mode 0600, at least 32 bytes, the same on every node) whose content encrypts the cluster CA\'s private key in PostgreSQL. Required in cluster mode.' }),
    stream_replicas: Type.Integer({ minimum: 1, maximum: 5, default: 3, description: 'Replicas of the JetStream stream that buffers delivery streams (at most the number of NATS servers; 3 survives one server lost).' }),
    stream_ack_wait_secs: Type.Integer({ minimum: 5, maximum: 3600, default: 30, description: 'How long a record fetched by a node that stopped answering stays with it before NATS gives it to another node.' }),
    session_claim_secs: Type.Number({ minimum: 0.05, maximum: 30, default: 1, description: 'Longest wait, before CONNACK, for the other nodes to hand over the persistent session of a client id that connects here (answers from every node heard from end it sooner).' }),
    detect_partitions: Type.Integer({ minimum: 1, maximum: 4096, default: 64, description: 'Detect state is split by thing name into this many partitions, each owned by one live node (the same on every node; changing it moves every thing).' }),
    detect_route_retry_secs: Type.Number({ minimum: 1, maximum: 600, default: 30, description: 'How long a datapoint for a thing owned by another node is retried (the owner died and its partitions are moving) before it is dropped and counted.' }),
    heartbeat_secs: Type.Number({ minimum: 0.1, maximum: 60, default: 2, description: 'How often a node announces itself to the others.' }),
    node_timeout_secs: Type.Number({ minimum: 0.5, maximum: 600, default: 10, description: 'A node not heard from for this long is shown as gone.' }),
  },
  'Cluster mode: several nodes on one PostgreSQL registry and NATS (docs/cluster.md).',
);

export type ClusterConfig = Static<typeof clusterConfigSchema>;

/** True when the config turns cluster mode on. */
export function clusterEnabled(config: ClusterConfig): boolean {
  return config.nats.urls.length > 0;
}
