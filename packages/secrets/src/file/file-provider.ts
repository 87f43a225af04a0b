/**
 * The secrets provider of development and tests: Vault's KV v2, transit and database-lease shapes
 * over one 0600 file in a local folder, every request written to the audit log. Key material is
 * generated here and never returned (except a data key's plaintext, as Vault's `datakey` does).
 *
 * Database credentials are the dynamic-secrets shape over a static role: the lease hands out the
 * role's current password from KV `database/<role>` (rotated by `rotateDatabasePassword`), and
 * revoking a lease ends the lease, not the role.
 */
import { createHmac, randomBytes, randomUUID } from "node:crypto";
import {
  DecryptionFailedError,
  KeyNotFoundError,
  KeyVersionRetiredError,
  LeaseNotFoundError,
  SecretNotFoundError,
  SecretsError,
  VersionConflictError,
} from "../errors.ts";
import type {
  AuditEntry,
  DatabaseCredentials,
  DataKey,
  KvMetadata,
  KvSecret,
  Lease,
  SecretsProvider,
  TransitKeyInfo,
} from "../provider.ts";
import { KEY_BYTES, openAesGcm, sealAesGcm } from "../transit/aes-gcm.ts";
import { AuditFile } from "./audit-file.ts";
import { StoreFile, type TransitEntry } from "./store-file.ts";

const DEFAULT_LEASE_S = 3600;
const MAX_LEASE_S = 24 * 3600;

export interface FileSecretsProviderOptions {
  /** Folder of `secrets.json` and `audit.log`. */
  dir: string;
  /** Who this process is in the audit log (its service name). */
  actor: string;
  /** Folder of `audit.log`, when `dir` is read-only (a mounted Kubernetes Secret); default `dir`. */
  auditDir?: string;
  now?: () => Date;
}

export function fileSecretsProvider(opts: FileSecretsProviderOptions): SecretsProvider {
  const store = new StoreFile(opts.dir);
  const auditLog = new AuditFile(opts.auditDir ?? opts.dir);
  const now = opts.now ?? (() => new Date());

  /** Runs one request and writes its audit line, whether it succeeded or was refused. */
  async function audited<T>(
    op: string,
    target: string,
    run: () => Promise<T>,
    versionOf?: (result: T) => number | undefined,
  ): Promise<T> {
    const entry: AuditEntry = { at: now().toISOString(), actor: opts.actor, op, target, ok: true };
    try {
      const result = await run();
      const version = versionOf?.(result);
      if (version !== undefined) entry.version = version;
      await auditLog.append(entry);
      return result;
    } catch (err) {
      entry.ok = false;
      entry.error = err instanceof SecretsError ? err.code : "INTERNAL";
      await auditLog.append(entry);
      throw err;
    }
  }

  async function transitKey(name: string): Promise<TransitEntry> {
    const key = (await store.read()).transit[name];
    if (!key) throw new KeyNotFoundError(name);
    return key;
  }

  const info = (name: string, k: TransitEntry): TransitKeyInfo => ({
    name,
    type: "aes256-gcm96",
    latestVersion: k.latestVersion,
    minDecryptionVersion: k.minDecryptionVersion,
    versions: Object.fromEntries(Object.entries(k.versions).map(([v, e]) => [Number(v), e.createdAt])),
  });

  function keyMaterial(name: string, k: TransitEntry, version: number): Buffer {
    const entry = k.versions[String(version)];
    if (!entry || version < k.minDecryptionVersion)
      throw new KeyVersionRetiredError(name, version, k.minDecryptionVersion);
    return Buffer.from(entry.key, "base64");
  }

  function encryptWith(k: TransitEntry, name: string, plaintext: Buffer, aad?: Buffer): string {
    const v = k.latestVersion;
    return `vault:v${v}:${sealAesGcm(keyMaterial(name, k, v), plaintext, aad).toString("base64")}`;
  }

  function decryptWith(k: TransitEntry, name: string, ciphertext: string, aad?: Buffer): Buffer {
    const m = /^vault:v(\d+):([A-Za-z0-9+/=]+)$/.exec(ciphertext);
    if (!m) throw new DecryptionFailedError(`a ${name} ciphertext`);
    const key = keyMaterial(name, k, Number(m[1]));
    return openAesGcm(key, Buffer.from(m[2] ?? "", "base64"), aad, `a ${name} ciphertext`);
  }

  const newKeyVersion = () => ({ key: randomBytes(KEY_BYTES).toString("base64"), createdAt: now().toISOString() });

  const kv: SecretsProvider["kv"] = {
    read: (path, o = {}) =>
      audited(
        "kv.read",
        path,
        async (): Promise<KvSecret> => {
          const entry = (await store.read()).kv[path];
          const version = o.version ?? entry?.currentVersion;
          const found = version === undefined ? undefined : entry?.versions[String(version)];
          if (!found || found.destroyed || version === undefined) throw new SecretNotFoundError(path, o.version);
          return { data: { ...found.data }, version, createdAt: found.createdAt };
        },
        (s) => s.version,
      ),
    write: (path, data, o = {}) =>
      audited(
        "kv.write",
        path,
        () =>
          store.update((doc) => {
            const at = now().toISOString();
            const entry = (doc.kv[path] ??= { currentVersion: 0, createdAt: at, updatedAt: at, versions: {} });
            if (o.cas !== undefined && o.cas !== entry.currentVersion)
              throw new VersionConflictError(path, o.cas, entry.currentVersion);
            entry.currentVersion += 1;
            entry.updatedAt = at;
            entry.versions[String(entry.currentVersion)] = { data: { ...data }, createdAt: at, destroyed: false };
            return { version: entry.currentVersion };
          }),
        (r) => r.version,
      ),
    metadata: (path) =>
      audited("kv.metadata", path, async (): Promise<KvMetadata> => {
        const entry = (await store.read()).kv[path];
        if (!entry) throw new SecretNotFoundError(path);
        const versions = Object.fromEntries(
          Object.entries(entry.versions).map(([v, e]) => [Number(v), { createdAt: e.createdAt, destroyed: e.destroyed }]),
        );
        return {
          path,
          currentVersion: entry.currentVersion,
          oldestVersion: Math.min(...Object.keys(entry.versions).map(Number)),
          createdAt: entry.createdAt,
          updatedAt: entry.updatedAt,
          versions,
        };
      }),
    destroy: (path) =>
      audited("kv.destroy", path, () =>
        store.update((doc) => {
          delete doc.kv[path];
        }),
      ),
    list: () => audited("kv.list", "*", async () => Object.keys((await store.read()).kv).sort()),
  };

  const transit: SecretsProvider["transit"] = {
    createKey: (name) =>
      audited(
        "transit.create",
        name,
        async () => {
          // Already there: answered without taking the write lock (a read-only store works too).
          const existing = (await store.read()).transit[name];
          if (existing) return info(name, existing);
          return store.update((doc) => {
            const k = (doc.transit[name] ??= { latestVersion: 1, minDecryptionVersion: 1, versions: { "1": newKeyVersion() } });
            return info(name, k);
          });
        },
        (k) => k.latestVersion,
      ),
    readKey: (name) => audited("transit.read-key", name, async () => info(name, await transitKey(name)), (k) => k.latestVersion),
    listKeys: () => audited("transit.list", "*", async () => Object.keys((await store.read()).transit).sort()),
    rotateKey: (name) =>
      audited(
        "transit.rotate",
        name,
        () =>
          store.update((doc) => {
            const k = doc.transit[name];
            if (!k) throw new KeyNotFoundError(name);
            k.latestVersion += 1;
            k.versions[String(k.latestVersion)] = newKeyVersion();
            return info(name, k);
          }),
        (k) => k.latestVersion,
      ),
    configureKey: (name, o) =>
      audited(
        "transit.configure",
        name,
        () =>
          store.update((doc) => {
            const k = doc.transit[name];
            if (!k) throw new KeyNotFoundError(name);
            if (!Number.isInteger(o.minDecryptionVersion) || o.minDecryptionVersion < 1 || o.minDecryptionVersion > k.latestVersion)
              throw new KeyVersionRetiredError(name, o.minDecryptionVersion, k.minDecryptionVersion);
            k.minDecryptionVersion = o.minDecryptionVersion;
            return info(name, k);
          }),
        (k) => k.minDecryptionVersion,
      ),
    encrypt: (name, plaintext, o = {}) =>
      audited(
        "transit.encrypt",
        name,
        async () => encryptWith(await transitKey(name), name, plaintext, o.associatedData),
        (c) => Number(/^vault:v(\d+)/.exec(c)?.[1]),
      ),
    decrypt: (name, ciphertext, o = {}) =>
      audited("transit.decrypt", name, async () => decryptWith(await transitKey(name), name, ciphertext, o.associatedData)),
    rewrap: (name, ciphertext, o = {}) =>
      audited(
        "transit.rewrap",
        name,
        async () => {
          const k = await transitKey(name);
          return encryptWith(k, name, decryptWith(k, name, ciphertext, o.associatedData), o.associatedData);
        },
        (c) => Number(/^vault:v(\d+)/.exec(c)?.[1]),
      ),
    generateDataKey: (name, o = {}) =>
      audited(
        "transit.datakey",
        name,
        async (): Promise<DataKey> => {
          const plaintext = randomBytes(KEY_BYTES);
          return { plaintext, ciphertext: encryptWith(await transitKey(name), name, plaintext, o.associatedData) };
        },
        (d) => Number(/^vault:v(\d+)/.exec(d.ciphertext)?.[1]),
      ),
    hmac: (name, input, o = {}) =>
      audited(
        "transit.hmac",
        name,
        async () => {
          const k = await transitKey(name);
          return createHmac("sha256", keyMaterial(name, k, o.keyVersion ?? k.latestVersion))
            .update(input)
            .digest("hex");
        },
      ),
  };

  const database: SecretsProvider["database"] = {
    credentials: (role, o = {}) =>
      audited("database.credentials", role, async (): Promise<DatabaseCredentials> => {
        const secret = await kv.read(`database/${role}`);
        const username = secret.data.username;
        const password = secret.data.password;
        if (!username || !password) throw new SecretNotFoundError(`database/${role}`);
        const ttl = Math.min(o.ttlS ?? DEFAULT_LEASE_S, MAX_LEASE_S);
        const leaseId = `database/creds/${role}/${randomUUID()}`;
        await store.update((doc) => {
          pruneExpired(doc.leases, now());
          doc.leases[leaseId] = { role, issuedAt: now().toISOString(), expiresAt: new Date(now().getTime() + ttl * 1000).toISOString() };
        });
        return { leaseId, username, password, leaseDurationS: ttl, renewable: true };
      }),
    renew: (leaseId, o = {}) =>
      audited("lease.renew", leaseId, () =>
        store.update((doc): Lease => {
          const lease = doc.leases[leaseId];
          if (!lease || Date.parse(lease.expiresAt) <= now().getTime()) throw new LeaseNotFoundError(leaseId);
          const increment = Math.min(o.incrementS ?? DEFAULT_LEASE_S, MAX_LEASE_S);
          lease.expiresAt = new Date(now().getTime() + increment * 1000).toISOString();
          return { leaseId, ...lease };
        }),
      ),
    revoke: (leaseId) =>
      audited("lease.revoke", leaseId, () =>
        store.update((doc) => {
          if (!doc.leases[leaseId]) throw new LeaseNotFoundError(leaseId);
          delete doc.leases[leaseId];
        }),
      ),
    leases: async () => {
      const doc = await store.read();
      const t = now().getTime();
      return Object.entries(doc.leases)
        .filter(([, l]) => Date.parse(l.expiresAt) > t)
        .map(([leaseId, l]) => ({ leaseId, ...l }));
    },
  };

  return { kv, transit, database, audit: { recent: (limit) => auditLog.recent(limit) } };
}

function pruneExpired(leases: Record<string, { expiresAt: string }>, at: Date): void {
  for (const [id, l] of Object.entries(leases)) if (Date.parse(l.expiresAt) <= at.getTime()) delete leases[id];
}
