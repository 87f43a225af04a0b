/**
 * Housekeeping for upload files that no row points at. An upload is staged, then moved into
 * place as the last step of the transaction that records it; a process killed between that move
 * and the commit (or during staging) leaves a folder nobody references. The sweep removes such
 * folders and stale staging folders once they are older than a grace period, so an upload still
 * in flight (its folder is seconds old) is never touched. Run by the maintenance worker.
 */
import { readdir, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { shardNames, withPlatformScope } from "@agora/db";
import { parseUploadUrl } from "../../media/responsive-image.ts";
import { mediaDirs } from "./media-files.ts";

export interface SweepResult {
  /** `/media/uploads/<productId>/<folder>` of each removed upload folder. */
  removedUploads: string[];
  removedStaging: number;
  kept: number;
}

async function entries(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw err;
  }
}

async function olderThan(path: string, cutoffMs: number): Promise<boolean> {
  try {
    return (await stat(path)).mtimeMs < cutoffMs;
  } catch (err) {
    // Removed meanwhile (a delete of that image): nothing to do.
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return false;
    throw err;
  }
}

/** Upload folders referenced by a media row on any shard (a platform-wide read). */
async function referencedFolders(): Promise<Set<string>> {
  const folders = new Set<string>();
  for (const shard of shardNames()) {
    const rows = await withPlatformScope(
      shard,
      (tx) =>
        tx.$queryRaw<{ url: string }[]>`SELECT url FROM media WHERE url LIKE '/media/uploads/%'`,
    );
    for (const r of rows) {
      const names = parseUploadUrl(r.url);
      if (names) folders.add(names.folder);
    }
  }
  return folders;
}

export async function sweepMediaOrphans(opts: {
  stateDir?: string;
  graceMs: number;
  now?: number;
}): Promise<SweepResult> {
  const dirs = mediaDirs(opts.stateDir);
  const cutoff = (opts.now ?? Date.now()) - opts.graceMs;
  const result: SweepResult = { removedUploads: [], removedStaging: 0, kept: 0 };
  for (const name of await entries(dirs.staging)) {
    const path = join(dirs.staging, name);
    if (!(await olderThan(path, cutoff))) continue;
    await rm(path, { recursive: true, force: true });
    result.removedStaging++;
  }
  // References first, folders second: a folder published after this read is young, so kept.
  const referenced = await referencedFolders();
  const uploads = join(dirs.root, "uploads");
  for (const productId of await entries(uploads)) {
    for (const folder of await entries(join(uploads, productId))) {
      const url = `/media/uploads/${productId}/${folder}`;
      const path = join(uploads, productId, folder);
      if (referenced.has(url) || !(await olderThan(path, cutoff))) {
        result.kept++;
        continue;
      }
      await rm(path, { recursive: true, force: true });
      result.removedUploads.push(url);
    }
  }
  return result;
}
