import type { AuditLoggingOptions, AuditStore, Component } from '../model/index.js';

/** What IoT logging controls: the process logger's level (pino's `level`, shared by every component). */
export interface LogLevelControl {
  level: string;
}

const TO_LOGGER: Readonly<Record<AuditLoggingOptions['defaultLogLevel'], string>> = { DEBUG: 'debug', INFO: 'info', WARN: 'warn', ERROR: 'error', DISABLED: 'silent' };
const FROM_LOGGER: Readonly<Record<string, AuditLoggingOptions['defaultLogLevel']>> = { trace: 'DEBUG', debug: 'DEBUG', info: 'INFO', warn: 'WARN', error: 'ERROR', fatal: 'ERROR', silent: 'DISABLED' };

/** The logger level a stored logging setting asks for (`silent` when all logs are disabled). */
export function loggerLevelOf(options: AuditLoggingOptions): string {
  return options.disableAllLogs ? 'silent' : TO_LOGGER[options.defaultLogLevel];
}

/**
 * "IoT logging" in Vigil is Vigil's own structured log (docs/audit.md): it is disabled when the
 * process logger writes nothing (level `silent`). The store given to the audit answers
 * GetV2LoggingOptions / LOGGING_DISABLED_CHECK from the running logger, and a SetV2LoggingOptions or
 * ENABLE_IOT_LOGGING both persists the setting and applies it at once; `component.start()` applies
 * the persisted setting after a restart (it wins over `log.level` once set).
 */
export function iotLogging(store: AuditStore, logger: LogLevelControl): { readonly store: AuditStore; readonly component: Component } {
  const wrapped: AuditStore = {
    ...store,
    async getLogging(): Promise<AuditLoggingOptions> {
      const stored = await store.getLogging();
      const level = FROM_LOGGER[logger.level] ?? 'INFO';
      return { roleArn: stored?.roleArn ?? '', defaultLogLevel: level, disableAllLogs: level === 'DISABLED' };
    },
    async putLogging(options: AuditLoggingOptions): Promise<void> {
      await store.putLogging(options);
      logger.level = loggerLevelOf(options);
    },
  };
  return {
    store: wrapped,
    component: {
      name: 'iot-logging',
      async start() {
        const stored = await store.getLogging();
        if (stored !== undefined) logger.level = loggerLevelOf(stored);
      },
      async stop() {},
    },
  };
}
