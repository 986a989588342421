/**
 * The event store has one DuckDB memory limit, `store.duckdb_memory_limit_mb`: the SIEM engine no longer
 * sets its own over it. The old key `siem.search.max_memory_bytes` still works, replaces it, and is
 * reported as deprecated at start.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startTestVigil, type TestVigil } from '../support/vigil.js';

let vigil: TestVigil | undefined;
afterEach(async () => {
  await vigil?.stop();
  vigil = undefined;
});

/** DuckDB shows its limit in MiB with one decimal; the config counts MB (10^6 bytes), as DuckDB's `MB` does. */
const shown = (mb: number): string => `${((mb * 1e6) / 2 ** 20).toFixed(1)} MiB`;

async function memoryLimit(running: TestVigil): Promise<string> {
  const reader = await running.running.stores.events.connection.runAndReadAll("SELECT current_setting('memory_limit') AS limit_text");
  return String(reader.getRowObjects()[0]?.['limit_text']);
}

describe('event store memory limit', () => {
  it('is store.duckdb_memory_limit_mb once the SIEM has started', async () => {
    vigil = await startTestVigil({ store: { duckdb_memory_limit_mb: 200 } });
    expect(await memoryLimit(vigil)).toBe(shown(200));
    expect(vigil.logs.some((line) => line.includes('config_deprecated'))).toBe(false);
  });

  it('takes the deprecated siem.search.max_memory_bytes over it, and says so at start', async () => {
    vigil = await startTestVigil({ store: { duckdb_memory_limit_mb: 200 }, siem: { search: { max_memory_bytes: 300 * 1024 * 1024 } } });
    expect(await memoryLimit(vigil)).toBe(shown(315));
    const warning = vigil.logs.map((line) => JSON.parse(line) as Record<string, unknown>).find((entry) => entry['event'] === 'config_deprecated');
    expect(warning).toMatchObject({ key: 'siem.search.max_memory_bytes', replacedBy: 'store.duckdb_memory_limit_mb', memoryLimitMb: 315 });
  });
});
