/** A HEC token (Splunk `inputs.conf [http://<name>]`), stored in the registry. */
export interface HecToken {
  readonly name: string;
  /** The GUID clients send (`Authorization: Splunk <token>`). */
  readonly token: string;
  readonly description: string;
  readonly disabled: boolean;
  /** Default index for events that name none. */
  readonly index: string;
  /** Allow-list; empty means any existing index. */
  readonly indexes: readonly string[];
  readonly sourcetype: string | undefined;
  readonly source: string | undefined;
  readonly host: string | undefined;
  readonly useAck: boolean;
  readonly allowQueryStringAuth: boolean;
  /** Epoch milliseconds. */
  readonly createdAt: number;
}

/** Storage port for HEC tokens. */
export interface HecTokenStore {
  create(token: HecToken): Promise<void>;
  findByToken(token: string): Promise<HecToken | undefined>;
  findByName(name: string): Promise<HecToken | undefined>;
  list(): Promise<HecToken[]>;
  setDisabled(name: string, disabled: boolean): Promise<boolean>;
  delete(name: string): Promise<boolean>;
}

/** A SIEM index: a name events are filed under, with its retention. */
export interface SiemIndex {
  readonly name: string;
  /** 0 keeps events forever. */
  readonly retentionDays: number;
  readonly createdAt: number;
}

/** Storage port for SIEM index metadata. */
export interface SiemIndexStore {
  create(index: SiemIndex): Promise<void>;
  find(name: string): Promise<SiemIndex | undefined>;
  list(): Promise<SiemIndex[]>;
  delete(name: string): Promise<boolean>;
}

/** One event as the event store keeps it. */
export interface SiemEvent {
  /** Epoch milliseconds. */
  readonly time: number;
  readonly index: string;
  readonly sourcetype: string;
  readonly source: string;
  readonly host: string;
  readonly raw: string;
  /** HEC indexed fields (flat: string or string[] values). */
  readonly fields?: Readonly<Record<string, string | readonly string[]>> | undefined;
}

/**
 * The SIEM's event log. Its one owner (`siem/events`) holds the table, its schema, its macros and
 * every statement on it; the rest of the process sees only this.
 */
export interface EventLog {
  /** Resolves once the events are committed: visible to searches and durable. */
  append(events: readonly SiemEvent[]): Promise<void>;
  /** Waits until everything appended so far is committed. */
  flush(): Promise<void>;
  /** Events waiting for a commit. */
  pendingCount(): number;
  /** Stored events per index. */
  countsByIndex(): Promise<Record<string, number>>;
  /** Deletes an index's events older than `cutoffMs`; returns how many. */
  deleteOlderThan(index: string, cutoffMs: number): Promise<number>;
  /** Deletes every event of an index; returns how many. */
  deleteIndex(index: string): Promise<number>;
}
