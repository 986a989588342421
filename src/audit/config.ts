import { Type, type Static } from 'typebox';
import { section } from '../config/index.js';

export const auditConfigSchema = section(
  {
    connection_data_lag_secs: Type.Integer({ minimum: 0, maximum: 86_400, default: 7200, description: 'Connection-history checks (shared certificates) look at connections up to this long before the check runs (AWS: 2 hours), so late disconnect records are complete.' }),
    on_demand_lookback_days: Type.Integer({ minimum: 1, maximum: 90, default: 31, description: 'How far back an on-demand audit reads the connection history (AWS: 31 days).' }),
    findings_retention_days: Type.Integer({ minimum: 1, maximum: 3650, default: 90, description: 'Findings of tasks older than this are deleted (AWS: 90 days).' }),
    schedule_hour_utc: Type.Integer({ minimum: 0, maximum: 23, default: 2, description: 'Hour of day (UTC) at which scheduled audits start on their day.' }),
    max_concurrent_on_demand: Type.Integer({ minimum: 1, maximum: 100, default: 10, description: 'On-demand audit tasks that may be in progress at once (AWS: 10).' }),
    fetch_crls: Type.Boolean({ default: false, description: "Before each audit task, fetch the CRL of each registered external CA from the CRL distribution point (http/https) of its certificates, when the stored one is due (nextUpdate passed). Off: Vigil makes no outbound request; upload CRLs with vigil cert crl upload." }),
    crl_fetch_timeout_secs: Type.Integer({ minimum: 1, maximum: 300, default: 10, description: 'Time limit of one CRL download (audit.fetch_crls).' }),
    crl_max_bytes: Type.Integer({ minimum: 1024, maximum: 268_435_456, default: 10_485_760, description: 'A downloaded CRL larger than this is refused (audit.fetch_crls).' }),
    debian_weak_key_blocklists: Type.Array(Type.String({ minLength: 1 }), { default: [], description: 'Files in the openssl-blacklist format (last 20 hex digits of SHA-1 of "Modulus=HEX\\n", one per line) for CVE-2008-0166 detection. Empty: only ROCA is detected.' }),
  },
  'Device Defender audit: look-back windows, retention, schedule time, weak-key blocklists.',
);

export type AuditConfig = Static<typeof auditConfigSchema>;
