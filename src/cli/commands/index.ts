import type { Command } from 'commander';
import type { CliContext } from '../context.js';

/** Adds one command group (its subcommands, options and actions) to the program. */
export type RegisterGroup = (program: Command, context: CliContext) => void;

/** One command group: what `vigil --help` shows without loading it, and how to load it. */
export interface CommandGroup {
  /** The command as commander spells it: its name and positional arguments. */
  readonly command: string;
  /** The group's description (a test keeps it equal to the one its module registers). */
  readonly summary: string;
  readonly load: () => Promise<RegisterGroup>;
}

/**
 * Every command group, one file each, loaded only when its command runs (so `vigil --help` and
 * `vigil thing list` load no engine they do not use). Adding a group means adding a file and a row.
 */
export const COMMAND_GROUPS: readonly CommandGroup[] = [
  { command: 'up', summary: 'start Vigil: stores, API and every component; writes <data_dir>/run/endpoints.json', load: async () => (await import('./up.js')).registerUp },
  { command: 'demo', summary: 'the running demo (`vigil up --demo`): console link and reference searches', load: async () => (await import('./demo.js')).registerDemo },
  { command: 'backup', summary: 'write a consistent snapshot of a running Vigil (registry, outbox, events, secrets, CA) to a file', load: async () => (await import('./backup.js')).registerBackup },
  { command: 'restore <file>', summary: 'restore a `vigil backup` file into an empty data directory', load: async () => (await import('./restore.js')).registerRestore },
  { command: 'cluster', summary: 'cluster mode: several nodes on one PostgreSQL registry and NATS (docs/cluster.md)', load: async () => (await import('./cluster.js')).registerCluster },
  { command: 'config', summary: 'check and explain vigil.yaml', load: async () => (await import('./config.js')).registerConfig },
  { command: 'access-key', summary: 'AWS SigV4 access keys for AWS SDK / CLI clients', load: async () => (await import('./access-key.js')).registerAccessKey },
  { command: 'agent', summary: 'run the Vigil device agent: collect Device Defender metrics and publish them over MQTT/TLS', load: async () => (await import('./agent.js')).registerAgent },
  { command: 'topic', summary: 'notify topics (SNS analog): subscribe streams, webhooks or MQTT topics, publish messages', load: async () => (await import('./topic.js')).registerTopic },
  { command: 'thing', summary: 'things (devices) in the registry', load: async () => (await import('./thing.js')).registerThing },
  { command: 'thing-group', summary: 'static thing groups (policies attached to a group apply to its members and to members of its child groups)', load: async () => (await import('./thing-group.js')).registerThingGroup },
  { command: 'cert', summary: 'device certificates issued by (or registered with) Vigil', load: async () => (await import('./cert.js')).registerCert },
  { command: 'tag', summary: 'tags of registry resources by ARN (things, thing groups, thing types, certificates, CAs, policies)', load: async () => (await import('./tag.js')).registerTag },
  { command: 'policy', summary: 'IoT policies (IAM grammar) that authorize device connections, publishes and subscriptions', load: async () => (await import('./policy.js')).registerPolicy },
  { command: 'search <query>', summary: 'run an SPL search (through the running server, else on <data_dir>/events.duckdb directly)', load: async () => (await import('./search.js')).registerSearch },
  { command: 'hec', summary: 'the HTTP Event Collector (Splunk HEC) of the embedded SIEM', load: async () => (await import('./hec.js')).registerHec },
  { command: 'index', summary: 'SIEM indexes (where HEC events are stored; retention per index)', load: async () => (await import('./index-cmd.js')).registerIndex },
  { command: 'stream', summary: 'delivery streams (Firehose analog): buffer, transform, deliver to Splunk HEC / HTTP / files, back up failures', load: async () => (await import('./stream.js')).registerStream },
  { command: 'apply', summary: 'make the running server hold the resources of a YAML file: prints the plan (create / update / delete / unchanged), validates everything first, then applies it', load: async () => (await import('./apply.js')).registerApply },
  { command: 'import', summary: 'move an account from another system into the running server (AWS IoT: vigil import aws <dir>)', load: async () => (await import('./import.js')).registerImport },
  { command: 'export', summary: 'write every resource of the running server as a resources file that `vigil apply` reproduces (secrets as placeholders)', load: async () => (await import('./export.js')).registerExport },
  { command: 'simulate', summary: 'run a simulated fleet: N real MQTT-over-TLS devices with their own certificates, reporting Device Defender metrics, one scenario', load: async () => (await import('./simulate.js')).registerSimulate },
  { command: 'profile', summary: 'Device Defender security profiles (behaviors, alert targets, retained and exported metrics)', load: async () => (await import('./profile.js')).registerProfile },
  { command: 'violations', summary: 'Device Defender Detect violations', load: async () => (await import('./violations.js')).registerViolations },
  { command: 'audit', summary: 'Device Defender audit: configure checks, run audits, list findings, schedule, suppress', load: async () => (await import('./audit.js')).registerAudit },
  { command: 'mitigation', summary: 'audit mitigation tasks: apply mitigation actions to audit findings', load: async () => (await import('./mitigation.js')).registerMitigation },
  { command: 'ml', summary: 'ML Detect: labelled evaluation corpus and NAB-style scores, security scenario corpus, backtest of CSV series', load: async () => (await import('./ml.js')).registerMl },
  { command: 'alert', summary: 'SIEM saved searches on a cron schedule, with alerts (trigger, webhook/topic actions, throttling) and history', load: async () => (await import('./alert.js')).registerAlert },
  { command: 'playbook', summary: 'playbooks: act on alerts, violations and audit findings (quarantine, deactivate, disconnect, notify, approval …), with run history and undo', load: async () => (await import('./playbook.js')).registerPlaybook },
  { command: 'respond', summary: 'answer playbook runs: approve or deny a waiting run, undo a finished one', load: async () => (await import('./playbook.js')).registerRespond },
  { command: 'lookup', summary: 'CSV lookup files for SPL (lookup, | inputlookup)', load: async () => (await import('./lookup.js')).registerLookup },
];

/** The name a group is invoked by (`search <query>` → `search`). */
export function groupName(group: CommandGroup): string {
  return group.command.split(' ')[0] as string;
}
