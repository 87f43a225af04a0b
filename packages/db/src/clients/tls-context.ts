/**
 * One TLS context per CA file for the connections of the process. Given `sslmode=verify-full` and
 * `sslrootcert` in the URL, node-postgres reads the CA file again for each new connection
 * (synchronously, while parsing the URL) and `tls.connect` builds a fresh SecureContext from it
 * (parsing the PEM into a new store): ~0.5 ms of CPU per connection opened, on the path of every
 * burst that grows a pool (docs/performance.md, "Eleventh measurement"). Here the pool's URL goes
 * without those two parameters and each new connection gets the context built once, rebuilt only
 * when the file changes (a renewed CA is used from the next connection on, as before).
 *
 * Verification is what verify-full asks for: the chain against that CA (`rejectUnauthorized`) and
 * the server's name or address against its certificate (Node's `checkServerIdentity`, with the
 * host node-postgres passes). Any other sslmode, or client certificates in the URL, is left to
 * node-postgres as it is.
 */
import { readFileSync, statSync } from "node:fs";
import { createSecureContext, type SecureContext } from "node:tls";

export interface PgTls {
  /** The URL to give node-postgres. */
  connectionString: string;
  /** Set when each connection should get `verifiedTls(caFile)` as its `ssl`. */
  caFile?: string;
}

export function pgTls(url: string): PgTls {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { connectionString: url };
  }
  const q = parsed.searchParams;
  const caFile = q.get("sslrootcert");
  if (q.get("sslmode") !== "verify-full" || !caFile || q.has("sslcert") || q.has("sslkey"))
    return { connectionString: url };
  q.delete("sslmode");
  q.delete("sslrootcert");
  return { connectionString: parsed.toString(), caFile };
}

const contexts = new Map<string, { mtimeMs: number; size: number; context: SecureContext }>();

/** `ssl` options of one connection: the CA's context (a stat per call; a read only on change). */
export function verifiedTls(caFile: string): { secureContext: SecureContext; rejectUnauthorized: true } {
  // A missing file throws here, in the client's constructor, as node-postgres' own read did.
  const { mtimeMs, size } = statSync(caFile);
  let cached = contexts.get(caFile);
  if (!cached || cached.mtimeMs !== mtimeMs || cached.size !== size) {
    cached = { mtimeMs, size, context: createSecureContext({ ca: readFileSync(caFile) }) };
    contexts.set(caFile, cached);
  }
  return { secureContext: cached.context, rejectUnauthorized: true };
}
