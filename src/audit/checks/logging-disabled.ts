import type { AuditCheck } from './types.js';

/** Vigil's audit log ("IoT logging", SetV2LoggingOptions / ENABLE_IOT_LOGGING) is off. */
export const loggingDisabledCheck: AuditCheck = {
  name: 'LOGGING_DISABLED_CHECK',
  severity: 'LOW',
  resourceType: 'ACCOUNT_SETTINGS',
  reasonCodes: ['LOGGING_DISABLED'],
  mitigations: ['ENABLE_IOT_LOGGING'],
  async run(context) {
    const logging = await context.logging();
    const enabled = logging !== undefined && !logging.disableAllLogs && logging.defaultLogLevel !== 'DISABLED';
    return {
      totalResourcesCount: 1,
      findings: enabled ? [] : [{ resource: { resourceType: 'ACCOUNT_SETTINGS', resourceIdentifier: { account: context.accountId } }, reasonCode: 'LOGGING_DISABLED', reason: 'IoT logging (Vigil\'s audit log of registry changes) is disabled.' }],
    };
  },
};
