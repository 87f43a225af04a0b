/** The secrets provider's failures, one class per meaning; messages never carry secret values. */
export type SecretsErrorCode =
  | "SECRET_NOT_FOUND"
  | "KEY_NOT_FOUND"
  | "KEY_VERSION_RETIRED"
  | "DECRYPTION_FAILED"
  | "LEASE_NOT_FOUND"
  | "STORE_BUSY"
  | "VERSION_CONFLICT"
  | "SUBJECT_ERASED";

export class SecretsError extends Error {
  constructor(
    readonly code: SecretsErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "SecretsError";
  }
}

/** No secret at that path (or not that version). */
export class SecretNotFoundError extends SecretsError {
  constructor(path: string, version?: number) {
    super("SECRET_NOT_FOUND", `no secret at ${path}${version === undefined ? "" : ` version ${version}`}`);
  }
}

/** No transit key of that name. */
export class KeyNotFoundError extends SecretsError {
  constructor(name: string) {
    super("KEY_NOT_FOUND", `no transit key named ${name}`);
  }
}

/** The ciphertext's key version is below the key's `min_decryption_version` (or unknown). */
export class KeyVersionRetiredError extends SecretsError {
  constructor(
    name: string,
    readonly version: number,
    readonly minDecryptionVersion: number,
  ) {
    super(
      "KEY_VERSION_RETIRED",
      `transit key ${name} version ${version} may not decrypt (minimum ${minDecryptionVersion})`,
    );
  }
}

/** Tampered ciphertext, wrong associated data or a malformed envelope: indistinguishable on purpose. */
export class DecryptionFailedError extends SecretsError {
  constructor(what: string) {
    super("DECRYPTION_FAILED", `could not decrypt ${what}`);
  }
}

export class LeaseNotFoundError extends SecretsError {
  constructor(leaseId: string) {
    super("LEASE_NOT_FOUND", `no live lease ${leaseId}`);
  }
}

/** The store's write lock stayed taken past the bounded wait. */
export class SecretsStoreBusyError extends SecretsError {
  constructor(path: string) {
    super("STORE_BUSY", `secrets store ${path} is locked by another writer`);
  }
}

/** A KV check-and-set write lost: the path's current version is not the one the writer read. */
export class VersionConflictError extends SecretsError {
  constructor(path: string, expected: number, current: number) {
    super("VERSION_CONFLICT", `check-and-set on ${path}: expected version ${expected}, current ${current}`);
  }
}

/**
 * The data subject's key was destroyed (account erasure): every field sealed under it is gone for
 * good. Readers show the subject as deleted instead of failing.
 */
export class SubjectErasedError extends SecretsError {
  constructor(
    readonly table: string,
    readonly subjectId: string,
  ) {
    super("SUBJECT_ERASED", `the data key of ${table}/${subjectId} was destroyed (erased subject)`);
  }
}
