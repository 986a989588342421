import { systemClock, systemTimer } from '../core/index.js';
import { SiemEngine } from '../siem/index.js';
import { dataDirLayout, hecTokenRepository, migrateDuckDb, openDuckDb, siemIndexRepository } from '../store/index.js';
import { Telemetry, createLogger } from '../telemetry/index.js';
import { openStoresForCli } from './cli-stores.js';
import { eventStoreMemoryLimitMb } from './config-schema.js';
import type { LoadedVigilConfig } from './load.js';

/** The SIEM opened directly on `<data_dir>/events.duckdb` (no server running: DuckDB allows one process per file). */
export interface OfflineSiem {
  readonly engine: SiemEngine;
  close(): Promise<void>;
}

export async function openOfflineSiem(loaded: LoadedVigilConfig): Promise<OfflineSiem> {
  const { config } = loaded;
  const stores = await openStoresForCli(loaded);
  const cleanups: Array<() => Promise<void>> = [() => stores.close()];
  const close = async (): Promise<void> => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  };
  try {
    const layout = dataDirLayout(loaded.dataDir);
    const opened = await openDuckDb(layout.eventsPath, { threads: config.store.duckdb_threads, memoryLimitMb: eventStoreMemoryLimitMb(config).mb });
    if (!opened.ok) throw opened.error;
    const events = opened.value;
    cleanups.push(() => events.close());
    const migrated = await migrateDuckDb(events);
    if (!migrated.ok) throw migrated.error;
    const engine = await SiemEngine.open({
      events,
      tokens: hecTokenRepository(stores.registry),
      indexes: siemIndexRepository(stores.registry),
      clock: systemClock,
      timer: systemTimer,
      telemetry: new Telemetry(createLogger({ level: 'warn', format: 'json', destination: { write: () => undefined } })).child('siem'),
      config: config.siem,
    });
    const component = engine.component();
    cleanups.push(() => component.stop());
    return { engine, close };
  } catch (error) {
    await close();
    throw error;
  }
}
