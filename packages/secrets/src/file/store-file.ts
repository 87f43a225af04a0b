/**
 * The file provider's one JSON document: read through a cache keyed on the file's mtime and size
 * (so every process of the topology sees a rotation at its next call), written under an exclusive
 * lock file (bounded, jittered wait) by write-to-temp + rename, so a reader never sees half a file.
 * File and folder are 0600/0700: the key material is in it.
 */
import { randomUUID } from "node:crypto";
import { mkdir, open, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { SecretsStoreBusyError } from "../errors.ts";

export interface KvEntry {
  currentVersion: number;
  createdAt: string;
  updatedAt: string;
  versions: Record<string, { data: Record<string, string>; createdAt: string; destroyed: boolean }>;
}

export interface TransitEntry {
  latestVersion: number;
  minDecryptionVersion: number;
  /** Base64 key material per version. */
  versions: Record<string, { key: string; createdAt: string }>;
}

export interface LeaseEntry {
  role: string;
  issuedAt: string;
  expiresAt: string;
}

export interface StoreDocument {
  kv: Record<string, KvEntry>;
  transit: Record<string, TransitEntry>;
  leases: Record<string, LeaseEntry>;
}

const empty = (): StoreDocument => ({ kv: {}, transit: {}, leases: {} });

const LOCK_WAIT_MS = 5_000;
/** A lock older than this belongs to a writer that died mid-write. */
const STALE_LOCK_MS = 10_000;

export class StoreFile {
  readonly file: string;
  private readonly lock: string;
  private cache: { stamp: string; doc: StoreDocument } | null = null;

  constructor(readonly dir: string) {
    this.file = path.join(dir, "secrets.json");
    this.lock = `${this.file}.lock`;
  }

  async read(): Promise<StoreDocument> {
    const s = await stat(this.file).catch((err: NodeJS.ErrnoException) => {
      if (err.code === "ENOENT") return null;
      throw err;
    });
    if (!s) return empty();
    const stamp = `${s.mtimeMs}:${s.size}:${s.ino}`;
    if (this.cache?.stamp === stamp) return this.cache.doc;
    const doc = JSON.parse(await readFile(this.file, "utf8")) as StoreDocument;
    this.cache = { stamp, doc };
    return doc;
  }

  /** Runs `change` on the freshest document under the lock and persists what it returns. */
  async update<T>(change: (doc: StoreDocument) => T): Promise<T> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    await this.acquire();
    try {
      this.cache = null;
      const doc = structuredClone(await this.read());
      const result = change(doc);
      const tmp = `${this.file}.${randomUUID()}.tmp`;
      await writeFile(tmp, JSON.stringify(doc, null, 2), { mode: 0o600 });
      await rename(tmp, this.file);
      this.cache = null;
      return result;
    } finally {
      await rm(this.lock, { force: true });
    }
  }

  private async acquire(): Promise<void> {
    const deadline = Date.now() + LOCK_WAIT_MS;
    for (let attempt = 0; ; attempt++) {
      try {
        const handle = await open(this.lock, "wx", 0o600);
        await handle.close();
        return;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      }
      const held = await stat(this.lock).catch(() => null);
      if (held && Date.now() - held.mtimeMs > STALE_LOCK_MS) {
        await rm(this.lock, { force: true });
        continue;
      }
      if (Date.now() > deadline) throw new SecretsStoreBusyError(this.file);
      const backoff = Math.min(200, 5 * 2 ** attempt);
      await new Promise((r) => setTimeout(r, backoff / 2 + Math.random() * (backoff / 2)));
    }
  }
}
