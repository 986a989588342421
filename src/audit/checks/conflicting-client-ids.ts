import type { AuditResource, ConnectionRecord } from '../../model/index.js';
import { connectionInfo, overlaps } from './device-certificate-shared.js';
import type { AuditCheck } from './types.js';

/** Client ids used by several connections so that one pushed an earlier one off. */
export const conflictingClientIdsCheck: AuditCheck = {
  name: 'CONFLICTING_CLIENT_IDS_CHECK',
  severity: 'HIGH',
  resourceType: 'CLIENT_ID',
  reasonCodes: ['DUPLICATE_CLIENT_ID_ACROSS_CONNECTIONS'],
  mitigations: [],
  async run(context) {
    const byClient = new Map<string, ConnectionRecord[]>();
    for (const c of await context.connections(context.windows.conflicting)) {
      const list = byClient.get(c.clientId) ?? [];
      list.push(c);
      byClient.set(c.clientId, list);
    }
    const findings = [];
    for (const [clientId, list] of [...byClient].sort(([a], [b]) => a.localeCompare(b))) {
      const kicked = list.filter((c) => c.disconnectReason === 'DUPLICATE_CLIENTID' || list.some((o) => o !== c && o.connectedAt > c.connectedAt && overlaps(c, o)));
      if (kicked.length === 0) continue;
      const related: AuditResource[] = [...list]
        .sort((a, b) => b.connectedAt - a.connectedAt)
        .map((c) => ({ resourceType: 'DEVICE_CERTIFICATE', resourceIdentifier: { deviceCertificateId: c.certificateId }, additionalInfo: connectionInfo(c) }));
      findings.push({ resource: { resourceType: 'CLIENT_ID' as const, resourceIdentifier: { clientId } }, related, reasonCode: 'DUPLICATE_CLIENT_ID_ACROSS_CONNECTIONS', reason: `Client id was used by ${list.length} connections; ${kicked.length} were disconnected by a newer one.` });
    }
    return { totalResourcesCount: byClient.size, findings };
  },
};
