import { Type, type Static } from 'typebox';
import { section } from '../config/index.js';

export const registryConfigSchema = section(
  {
    server_cert_sans: Type.Array(Type.String({ minLength: 1, maxLength: 253 }), { default: [], description: 'Extra names (DNS names or IP addresses) in the broker\'s TLS certificate. localhost, 127.0.0.1, ::1 and the host name are always included.', examples: [['iot.example.com', '10.0.0.5']] }),
    server_cert_days: Type.Integer({ minimum: 31, maximum: 3650, default: 825, description: 'Validity of the broker certificate; it is re-issued at start when within 30 days of expiry or when a SAN is missing.' }),
    device_cert_days: Type.Integer({ minimum: 1, maximum: 3650, default: 365, description: 'Validity of device certificates issued by the built-in CA (CreateKeysAndCertificate, CreateCertificateFromCsr, `vigil cert issue`).' }),
    ca_days: Type.Integer({ minimum: 365, maximum: 36500, default: 3650, description: 'Validity of the built-in CA created on first start.' }),
    device_key_type: Type.Union([Type.Literal('ec-p256'), Type.Literal('rsa-2048')], { default: 'ec-p256', description: 'Key type CreateKeysAndCertificate generates (AWS uses rsa-2048).' }),
    policy_cache_size: Type.Integer({ minimum: 16, maximum: 1_000_000, default: 2000, description: 'Compiled IoT policy versions kept in memory for device authorization (least recently used dropped first; a changed or deleted policy is dropped at once). Counted in vigil_policy_cache_total{result}.' }),
    default_policy: Type.String({ pattern: '^[\\w+=,.@-]{1,128}$', default: 'vigil-device-defender', description: 'The built-in device policy created on first start (reference-pipeline §1) and attached by `vigil cert issue` when no --policy is given.' }),
  },
  'Registry: things, groups, certificates, the built-in CA (secrets/ca.key, ca.pem), the broker certificate (secrets/server.key, server.pem) and IoT policies.',
);

export type RegistryConfig = Static<typeof registryConfigSchema>;
