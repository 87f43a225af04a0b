import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export type MigrationSet = "core" | "shard";

export interface MigrationFile {
  /** Zero-padded number from the file name, e.g. "0001". */
  version: string;
  /** Rest of the file name without extension, e.g. "init". */
  name: string;
  path: string;
  sql: string;
  /** sha256 of the file bytes (hex). */
  checksum: string;
}

export const MIGRATIONS_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../../migrations");

const FILE_RE = /^(\d{4})_([a-z0-9_]+)\.sql$/;

/** Reads `<dir>/NNNN_name.sql` in version order; refuses duplicate versions or stray .sql names. */
export function loadMigrations(dir: string): MigrationFile[] {
  const files: MigrationFile[] = [];
  for (const entry of readdirSync(dir).sort()) {
    if (!entry.endsWith(".sql")) continue;
    const m = FILE_RE.exec(entry);
    if (!m)
      throw new Error(`migration file "${join(dir, entry)}" must be named NNNN_snake_name.sql`);
    const bytes = readFileSync(join(dir, entry));
    files.push({
      version: m[1] as string,
      name: m[2] as string,
      path: join(dir, entry),
      sql: bytes.toString("utf8"),
      checksum: createHash("sha256").update(bytes).digest("hex"),
    });
  }
  const seen = new Set<string>();
  for (const f of files) {
    if (seen.has(f.version)) throw new Error(`two migrations in ${dir} share version ${f.version}`);
    seen.add(f.version);
  }
  return files;
}

export function migrationsDir(set: MigrationSet, root: string = MIGRATIONS_ROOT): string {
  return join(root, set);
}
