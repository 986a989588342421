import type { AuditResource, ConnectionRecord } from '../../model/index.js';
import { deviceCert, type AuditCheck } from './types.js';

export function overlaps(a: ConnectionRecord, b: ConnectionRecord): boolean {
  return a.connectedAt < (b.disconnectedAt ?? Infinity) && b.connectedAt < (a.disconnectedAt ?? Infinity);
}

export function connectionInfo(c: ConnectionRecord): Record<string, string> {
  return { CONNECTION_TIME: String(c.connectedAt), ...(c.disconnectedAt === undefined ? {} : { DISCONNECTION_TIME: String(c.disconnectedAt) }), ...(c.sourceIp === undefined ? {} : { SOURCE_IP: c.sourceIp }) };
}

/** Certificates used by two or more client ids at the same time (connection history over the look-back window). */
export const deviceCertificateSharedCheck: AuditCheck = {
  name: 'DEVICE_CERTIFICATE_SHARED_CHECK',
  severity: 'CRITICAL',
  resourceType: 'DEVICE_CERTIFICATE',
  reasonCodes: ['CERTIFICATE_SHARED_BY_MULTIPLE_DEVICES'],
  mitigations: ['UPDATE_DEVICE_CERTIFICATE', 'ADD_THINGS_TO_THING_GROUP'],
  async run(context) {
    const byCert = new Map<string, ConnectionRecord[]>();
    for (const c of await context.connections(context.windows.shared)) {
      const list = byCert.get(c.certificateId) ?? [];
      list.push(c);
      byCert.set(c.certificateId, list);
    }
    const findings = [];
    for (const [certificateId, list] of [...byCert].sort(([a], [b]) => a.localeCompare(b))) {
      const involved = new Set<ConnectionRecord>();
      for (let i = 0; i < list.length; i++) {
        for (let j = i + 1; j < list.length; j++) {
          const a = list[i] as ConnectionRecord;
          const b = list[j] as ConnectionRecord;
          if (a.clientId !== b.clientId && overlaps(a, b)) {
            involved.add(a);
            involved.add(b);
          }
        }
      }
      if (involved.size === 0) continue;
      const related: AuditResource[] = [...involved]
        .sort((a, b) => b.connectedAt - a.connectedAt || a.clientId.localeCompare(b.clientId))
        .map((c) => ({ resourceType: 'CLIENT_ID', resourceIdentifier: { clientId: c.clientId }, additionalInfo: connectionInfo(c) }));
      findings.push({ resource: deviceCert(certificateId), related, reasonCode: 'CERTIFICATE_SHARED_BY_MULTIPLE_DEVICES', reason: `Certificate is used by ${new Set([...involved].map((c) => c.clientId)).size} client ids at the same time.` });
    }
    return { totalResourcesCount: byCert.size, findings };
  },
};
