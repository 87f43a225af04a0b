/**
 * The append-only audit log: one JSON line per request (who, what, when, which version, refused or
 * not), never a secret value or plaintext. O_APPEND writes of one short line each, so the
 * processes sharing the folder never interleave inside a line.
 */
import { appendFile, mkdir, readFile } from "node:fs/promises";
import path from "node:path";
import type { AuditEntry } from "../provider.ts";

export class AuditFile {
  readonly file: string;
  constructor(readonly dir: string) {
    this.file = path.join(dir, "audit.log");
  }

  async append(entry: AuditEntry): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    await appendFile(this.file, `${JSON.stringify(entry)}\n`, { mode: 0o600 });
  }

  async recent(limit: number): Promise<AuditEntry[]> {
    const text = await readFile(this.file, "utf8").catch((err: NodeJS.ErrnoException) => {
      if (err.code === "ENOENT") return "";
      throw err;
    });
    const lines = text.split("\n").filter(Boolean);
    return lines
      .slice(-limit)
      .reverse()
      .map((l) => JSON.parse(l) as AuditEntry);
  }
}
