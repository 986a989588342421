/** An AWS-style access key pair that authenticates SigV4-signed API requests. */
export interface AccessKey {
  /** 20 characters, `AKIA` + 16 of [A-Z2-7], as AWS prints them. */
  readonly accessKeyId: string;
  /** 40 characters; shown once at creation, stored to verify signatures. */
  readonly secretAccessKey: string;
  readonly description: string;
  /** Epoch milliseconds. */
  readonly createdAt: number;
}

/** Storage port for access keys. */
export interface AccessKeyStore {
  create(key: AccessKey): Promise<void>;
  find(accessKeyId: string): Promise<AccessKey | undefined>;
  list(): Promise<AccessKey[]>;
  /** Returns false when there was no such key. */
  delete(accessKeyId: string): Promise<boolean>;
}
