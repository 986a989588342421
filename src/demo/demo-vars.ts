import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { dataDirLayout } from '../store/index.js';
import type { VigilConfig } from '../app/index.js';

/**
 * The placeholders a resources file may use without `--set`: `${region}`, `${account_id}` (from the
 * config), `${hec_url}`, `${mqtt_url}` (from the running server's run/endpoints.json) and
 * `${hec_ca_file}`: the built-in CA when HEC serves `tls: auto`, else empty (the system roots).
 */
export function resourceVars(config: VigilConfig, dataDir: string, overrides: Readonly<Record<string, string>> = {}): Record<string, string> {
  const layout = dataDirLayout(dataDir);
  const vars: Record<string, string> = { region: config.region, account_id: config.account_id, hec_ca_file: config.hec.tls === 'auto' ? join(layout.secretsDir, 'ca.pem') : '' };
  const path = layout.endpointsPath;
  if (existsSync(path)) {
    try {
      const endpoints = JSON.parse(readFileSync(path, 'utf8')) as Record<string, string>;
      if (endpoints['hec'] !== undefined) vars['hec_url'] = endpoints['hec'];
      const mqtt = endpoints['mqtt'] ?? endpoints['mqtts'];
      if (mqtt !== undefined) vars['mqtt_url'] = mqtt;
    } catch {
      // a half-written endpoints file: the caller reports the missing placeholder
    }
  }
  return { ...vars, ...overrides };
}
