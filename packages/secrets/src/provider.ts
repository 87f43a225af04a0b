/**
 * The secrets provider, shaped like Vault's APIs so a Vault-backed implementation can sit behind
 * the same interface: KV v2 (versioned secrets), transit (named, versioned encryption keys; the
 * keys never leave the provider), dynamic database credentials (leases) and an audit trail of
 * every access (who, what, when — never a value).
 */

/** KV v2 `metadata`: the versions a path has had. */
export interface KvMetadata {
  path: string;
  currentVersion: number;
  oldestVersion: number;
  createdAt: string;
  updatedAt: string;
  versions: Record<number, { createdAt: string; destroyed: boolean }>;
}

export interface KvSecret {
  data: Record<string, string>;
  version: number;
  createdAt: string;
}

/** Transit key metadata (`GET transit/keys/:name`), no key material. */
export interface TransitKeyInfo {
  name: string;
  type: "aes256-gcm96";
  latestVersion: number;
  /** Ciphertexts of lower versions are refused (rewrap them before raising it). */
  minDecryptionVersion: number;
  /** Versions and when each was created. */
  versions: Record<number, string>;
}

/** `transit/datakey/plaintext`: a fresh data key, and the same key wrapped by the named key. */
export interface DataKey {
  plaintext: Buffer;
  ciphertext: string;
}

export interface DatabaseCredentials {
  leaseId: string;
  username: string;
  password: string;
  /** Seconds the lease lives unless renewed. */
  leaseDurationS: number;
  renewable: boolean;
}

export interface Lease {
  leaseId: string;
  role: string;
  issuedAt: string;
  expiresAt: string;
}

/** One line of the audit log. */
export interface AuditEntry {
  at: string;
  actor: string;
  /** e.g. `kv.read`, `transit.decrypt`, `transit.rotate`, `lease.revoke`. */
  op: string;
  /** The path, key name or lease id acted on. */
  target: string;
  version?: number;
  ok: boolean;
  /** The error code of a refused request. */
  error?: string;
}

export interface SecretsProvider {
  kv: {
    /** The latest version, or `version`. */
    read(path: string, opts?: { version?: number }): Promise<KvSecret>;
    /** Writes a new version; `cas` (check-and-set) must equal the current version (0: must not exist). */
    write(path: string, data: Record<string, string>, opts?: { cas?: number }): Promise<{ version: number }>;
    metadata(path: string): Promise<KvMetadata>;
    /** Every version and the metadata, permanently (Vault's `DELETE metadata/:path`); a no-op if absent. */
    destroy(path: string): Promise<void>;
    list(): Promise<string[]>;
  };
  transit: {
    /** Creates the key with version 1; a no-op if it exists. */
    createKey(name: string): Promise<TransitKeyInfo>;
    readKey(name: string): Promise<TransitKeyInfo>;
    listKeys(): Promise<string[]>;
    /** Adds a version; new encryptions use it, older versions still decrypt. */
    rotateKey(name: string): Promise<TransitKeyInfo>;
    /** Raises (or lowers) `min_decryption_version`; never above the latest version. */
    configureKey(name: string, opts: { minDecryptionVersion: number }): Promise<TransitKeyInfo>;
    /** `vault:v<N>:<base64>` — AES-256-GCM, `associatedData` bound into the tag. */
    encrypt(name: string, plaintext: Buffer, opts?: { associatedData?: Buffer }): Promise<string>;
    decrypt(name: string, ciphertext: string, opts?: { associatedData?: Buffer }): Promise<Buffer>;
    /** Re-encrypts under the latest version without exposing the plaintext to the caller. */
    rewrap(name: string, ciphertext: string, opts?: { associatedData?: Buffer }): Promise<string>;
    generateDataKey(name: string, opts?: { associatedData?: Buffer }): Promise<DataKey>;
    /** HMAC-SHA256 with the key's `keyVersion` (default latest), hex. */
    hmac(name: string, input: Buffer, opts?: { keyVersion?: number }): Promise<string>;
  };
  database: {
    /** Credentials for a database role, under a lease. */
    credentials(role: string, opts?: { ttlS?: number }): Promise<DatabaseCredentials>;
    renew(leaseId: string, opts?: { incrementS?: number }): Promise<Lease>;
    revoke(leaseId: string): Promise<void>;
    leases(): Promise<Lease[]>;
  };
  audit: {
    /** The newest entries first. */
    recent(limit: number): Promise<AuditEntry[]>;
  };
}

/** The version of a `vault:v<N>:…` ciphertext, or null when the text is not one. */
export function ciphertextVersion(ciphertext: string): number | null {
  const m = /^vault:v(\d+):/.exec(ciphertext);
  return m ? Number(m[1]) : null;
}
