import { randomUUID } from 'node:crypto';
import type { Static } from 'typebox';
import { VigilError, type Clock, type Timer, type TimerHandle } from '../core/index.js';
import type { Component, HecToken, HecTokenStore, SiemIndex, SiemIndexStore, TlsCredentials } from '../model/index.js';
import type { EventsDb } from '../store/index.js';
import type { Telemetry } from '../telemetry/index.js';
import { EventStore } from './events/event-store.js';
import { createHecServer, type HecServer } from './hec/hec-server.js';
import type { hecConfigSchema, siemConfigSchema } from './hec/config.js';
import { compileSpl, explain } from './spl/compile.js';
import { runSearch, type SearchDeps, type SearchRequest, type SearchResult } from './spl/execute.js';
import { DEFAULT_LIMITS, checkQueryText } from './spl/limits.js';
import { SPL_MACROS } from './spl/relation.js';
import { LookupStore } from './lookups/index.js';

export interface SiemDeps {
  readonly events: EventsDb;
  readonly tokens: HecTokenStore;
  readonly indexes: SiemIndexStore;
  readonly clock: Clock;
  readonly timer: Timer;
  readonly telemetry: Telemetry;
  readonly config: Static<typeof siemConfigSchema>;
}

export interface TokenRequest {
  readonly name: string;
  readonly index?: string | undefined;
  readonly indexes?: readonly string[] | undefined;
  readonly sourcetype?: string | undefined;
  readonly source?: string | undefined;
  readonly host?: string | undefined;
  readonly useAck?: boolean | undefined;
  readonly allowQueryStringAuth?: boolean | undefined;
  readonly description?: string | undefined;
  /** A given value (e.g. the default token from secrets/hec-token); else a new GUID. */
  readonly token?: string | undefined;
}

const INDEX_NAME = /^[a-z0-9][a-z0-9_-]{0,79}$/;
const TOKEN_NAME = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/;

/** The embedded SIEM: event store, HEC tokens and indexes, SPL search, retention. */
export class SiemEngine {
  private indexNames = new Set<string>();

  /** CSV lookup files for `lookup` and `| inputlookup` (stored beside the events). */
  readonly lookups: LookupStore;

  private constructor(private readonly deps: SiemDeps, readonly store: EventStore) {
    this.lookups = new LookupStore(deps.events, deps.clock);
  }

  static async open(deps: SiemDeps): Promise<SiemEngine> {
    for (const name of await EventStore.migrate(deps.events)) deps.telemetry.emit('store_migrated', { store: 'events' }, { migration: name });
    for (const macro of SPL_MACROS) await deps.events.connection.run(macro);
    const store = await EventStore.open(deps.events, deps.clock);
    const engine = new SiemEngine(deps, store);
    engine.indexNames = new Set((await deps.indexes.list()).map((i) => i.name));
    return engine;
  }

  search(request: SearchRequest): Promise<SearchResult> {
    const searched = this.deps.telemetry.startTimer('search_seconds');
    return runSearch(this.searchDeps(), request).then(
      (result) => {
        this.deps.telemetry.count('siem_search', { status: 'ok' });
        searched({ status: 'ok' });
        return result;
      },
      (error: unknown) => {
        const status = error instanceof VigilError && error.code === 'siem.search_cancelled' ? 'cancelled' : 'error';
        this.deps.telemetry.count('siem_search', { status });
        searched({ status });
        throw error;
      },
    );
  }

  /** Every compiler stage of a query, as text (`vigil search --explain`). */
  explain(query: string, earliest?: string, latest?: string): string {
    const limits = this.searchDeps().limits ?? DEFAULT_LIMITS;
    checkQueryText(query, limits);
    return explain(compileSpl(query, { nowMs: this.deps.clock.now(), earliest, latest, maxRows: this.deps.config.max_result_rows }));
  }

  private searchDeps(): SearchDeps {
    const budget = this.deps.config.search;
    return {
      db: this.deps.events,
      clock: this.deps.clock,
      timer: this.deps.timer,
      maxRows: this.deps.config.max_result_rows,
      timeoutMs: Math.min(this.deps.config.search_timeout_secs, budget.max_secs) * 1000,
      limits: { maxQueryBytes: budget.max_query_bytes, maxDepth: budget.max_depth, maxTerms: budget.max_terms },
    };
  }

  indexExists(name: string): boolean {
    return this.indexNames.has(name);
  }

  async createIndex(name: string, retentionDays = 0): Promise<SiemIndex> {
    const normalized = name.toLowerCase();
    if (!INDEX_NAME.test(normalized)) throw new VigilError('siem.invalid_index_name', `invalid index name "${name}"`, { hint: 'use lowercase letters, digits, _ and - (up to 80), starting with a letter or digit' });
    if (await this.deps.indexes.find(normalized)) throw new VigilError('siem.index_already_exists', `index ${normalized} already exists`);
    const index: SiemIndex = { name: normalized, retentionDays, createdAt: this.deps.clock.now() };
    await this.deps.indexes.create(index);
    this.indexNames.add(normalized);
    this.deps.telemetry.emit('siem_index_changed', { action: 'create' }, { index: normalized });
    return index;
  }

  listIndexes(): Promise<SiemIndex[]> {
    return this.deps.indexes.list();
  }

  /** Counts of stored events per index. */
  eventCounts(): Promise<Record<string, number>> {
    return this.store.countsByIndex();
  }

  /** Deletes the index and its events. */
  async deleteIndex(name: string): Promise<number> {
    const normalized = name.toLowerCase();
    if (!(await this.deps.indexes.delete(normalized))) throw new VigilError('siem.index_not_found', `no index ${normalized}`, { hint: 'list them with `vigil index list`' });
    this.indexNames.delete(normalized);
    await this.store.flush().catch(() => undefined);
    const removed = await this.store.deleteIndex(normalized);
    this.deps.telemetry.emit('siem_index_changed', { action: 'delete' }, { index: normalized, events: removed });
    return removed;
  }

  async createToken(request: TokenRequest): Promise<HecToken> {
    if (!TOKEN_NAME.test(request.name)) throw new VigilError('siem.invalid_token_name', `invalid token name "${request.name}"`, { hint: 'letters, digits, _ . : - (up to 128)' });
    if (await this.deps.tokens.findByName(request.name)) throw new VigilError('siem.token_already_exists', `a HEC token named ${request.name} already exists`);
    const index = (request.index ?? 'main').toLowerCase();
    const indexes = (request.indexes ?? []).map((i) => i.toLowerCase());
    for (const name of [index, ...indexes]) {
      if (!this.indexNames.has(name)) throw new VigilError('siem.invalid_token_index', `index ${name} does not exist`, { hint: `create it first: vigil index create ${name}` });
    }
    const token: HecToken = {
      name: request.name,
      token: request.token ?? randomUUID(),
      description: request.description ?? '',
      disabled: false,
      index,
      indexes: indexes.length > 0 && !indexes.includes(index) ? [index, ...indexes] : indexes,
      sourcetype: request.sourcetype,
      source: request.source,
      host: request.host,
      useAck: request.useAck ?? false,
      allowQueryStringAuth: request.allowQueryStringAuth ?? false,
      createdAt: this.deps.clock.now(),
    };
    await this.deps.tokens.create(token);
    this.deps.telemetry.emit('hec_token_created', {}, { name: token.name, index: token.index, useAck: token.useAck });
    return token;
  }

  listTokens(): Promise<HecToken[]> {
    return this.deps.tokens.list();
  }

  async deleteToken(name: string): Promise<void> {
    if (!(await this.deps.tokens.delete(name))) throw new VigilError('siem.token_not_found', `no HEC token ${name}`, { hint: 'list them with `vigil hec token list`' });
  }

  async setTokenDisabled(name: string, disabled: boolean): Promise<void> {
    if (!(await this.deps.tokens.setDisabled(name, disabled))) throw new VigilError('siem.token_not_found', `no HEC token ${name}`);
  }

  /** Deletes events older than each index's retention; returns how many. */
  async enforceRetention(): Promise<number> {
    let total = 0;
    for (const index of await this.deps.indexes.list()) {
      if (index.retentionDays <= 0) continue;
      const removed = await this.store.deleteOlderThan(index.name, this.deps.clock.now() - index.retentionDays * 86_400_000);
      if (removed > 0) this.deps.telemetry.emit('siem_events_expired', { index: index.name }, { events: removed });
      total += removed;
    }
    return total;
  }

  /** The HEC listener, committing into this engine's store; HTTPS with `tls` (resolved from `hec.tls` by the caller). */
  hecServer(config: Static<typeof hecConfigSchema>, tls?: TlsCredentials): HecServer {
    return createHecServer(config, {
      ...(tls === undefined ? {} : { tls }),
      tokens: this.deps.tokens,
      indexExists: async (name) => this.indexNames.has(name),
      commit: (events) => this.store.append(events),
      pendingEvents: () => this.store.pendingCount(),
      clock: this.deps.clock,
      timer: this.deps.timer,
      telemetry: this.deps.telemetry.child('hec'),
    });
  }

  /** Runs retention on a schedule and closes the store on stop. */
  component(): Component {
    let handle: TimerHandle | undefined;
    let stopped = false;
    return {
      name: 'siem',
      start: async () => {
        handle = this.deps.timer.setInterval(() => {
          this.enforceRetention().catch((error: unknown) => this.deps.telemetry.emit('component_error', { component: 'siem', code: 'siem.retention_failed', stage: 'retention' }, { err: error }));
        }, this.deps.config.retention_check_secs * 1000);
      },
      stop: async () => {
        if (stopped) return;
        stopped = true;
        handle?.cancel();
        await this.store.close();
      },
    };
  }
}
