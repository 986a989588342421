// What the demo prints, apart from the demo itself: `vigil demo info` needs this and nothing else.

/** The four searches of reference-pipeline.md §7, filled in for the demo. */
export function referenceQueries(index: string, sourcetype: string, thing: string): string[] {
  const base = `index="${index}" sourcetype="${sourcetype}"`;
  return [
    base,
    `${base} | spath name | search name="aws:num-listening-tcp-ports" | chart max(value.count) as tcp_count over _time by thing`,
    `${base} | where thing="${thing}" | spath name | search name="aws:listening-tcp-ports" | spath value.ports{} output=open-ports | mvexpand open-ports | chart count(open-ports) over _time by open-ports`,
    `${base} | where isnotnull(checkName)`,
  ];
}

/** What a running demo is, as plain data: `vigil up --demo` writes it to run/demo.json for `vigil demo info`. */
export interface DemoInfo {
  readonly endpoints: Readonly<Record<string, string>>;
  readonly adminTokenPath: string;
  readonly hecTokenPath: string;
  readonly certsDir: string;
  readonly devices: number;
  readonly target: string;
  readonly misconfigured?: string;
  readonly skippedKinds: readonly string[];
  readonly auditTaskId?: string;
  readonly alert?: string;
  readonly index: string;
  readonly sourcetype: string;
  /** TLS certificate fingerprint of the API/HEC, when they speak HTTPS. */
  readonly fingerprint?: string;
}

/** The demo's summary with a one-time console sign-in `ticket`: `vigil up --demo` prints it last, `vigil demo info` again. */
export function renderDemoInfo(info: DemoInfo, ticket: string): string {
  const e = info.endpoints;
  const queries = referenceQueries(info.index, info.sourcetype, info.target);
  const lines = [
    '',
    'Demo: the reference pipeline is running (examples/reference-pipeline/resources.yaml).',
    `  API + console  ${e['api'] ?? '-'}`,
    `  console        ${e['api'] ?? ''}/ui/?ticket=${ticket}  (one-time sign-in link, 15 minutes; \`vigil demo info\` prints a new one)`,
    `  HEC            ${e['hec'] ?? '-'}`,
    `  MQTT (TLS)     ${e['mqtt'] ?? e['mqtts'] ?? '-'}`,
    info.fingerprint === undefined ? undefined : `  TLS            certificate SHA-256 ${info.fingerprint}`,
    `  admin token    ${info.adminTokenPath}`,
    `  HEC token      ${info.hecTokenPath} (default token; the siem stream uses token "siem": vigil hec token list)`,
    `  devices        ${info.devices} simulated, certificates under ${info.certsDir}`,
    `  scenario       ${info.target} starts an FTP server (TCP/21) one simulated minute in`,
    info.misconfigured === undefined ? undefined : `  noise          ${info.misconfigured} is misconfigured: each report is followed by a denied publish (authorization failures)`,
    info.skippedKinds.length === 0 ? undefined : `  not in this build: ${info.skippedKinds.join(', ')}`,
    info.auditTaskId === undefined ? undefined : `  audit task     ${info.auditTaskId}`,
    info.alert === undefined ? undefined : `  alert          ${info.alert} runs every minute and fires once for port 21: vigil alert history ${info.alert}`,
    '',
    'Paste these into `vigil search` (results within about two minutes):',
    ...queries.map((q, i) => `  ${i + 1}. vigil search '${q}'`),
    '',
  ];
  // Lines that do not apply are undefined: left out, not printed as blank lines.
  return `${lines.filter((l) => l !== undefined).join('\n')}\n`;
}
