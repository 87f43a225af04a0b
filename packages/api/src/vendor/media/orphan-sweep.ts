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
import { parseProductFileUrl } from "../../media/product-files.ts";
import { parseUploadUrl } from "../../media/responsive-image.ts";
import { mediaDirs } from "./media-files.ts";

export interface SweepResult {
  /** `/media/uploads/<productId>/<folder>` of each removed upload folder. */
  removedUploads: string[];
  removedStaging: number;
  /** Video sources whose video is gone or no longer processing. */
  removedSources: number;
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

/**
 * Upload folders referenced by a media row on any shard (a platform-wide read), and the ids of
 * videos still waiting for their transcode (whose sources must stay).
 */
async function references(): Promise<{ folders: Set<string>; processing: Set<string> }> {
  const folders = new Set<string>();
  const processing = new Set<string>();
  for (const shard of shardNames()) {
    const rows = await withPlatformScope(
      shard,
      (tx) =>
        tx.$queryRaw<{ id: string; url: string; status: string }[]>`
          SELECT id::text, url, status FROM media WHERE url LIKE '/media/uploads/%'`,
    );
    for (const r of rows) {
      const folder = parseUploadUrl(r.url)?.folder ?? parseProductFileUrl(r.url)?.folder;
      if (folder) folders.add(folder);
      if (r.status === "processing") processing.add(r.id);
    }
  }
  return { folders, processing };
}

export async function sweepMediaOrphans(opts: {
  stateDir?: string;
  graceMs: number;
  now?: number;
}): Promise<SweepResult> {
  const dirs = mediaDirs(opts.stateDir);
  const cutoff = (opts.now ?? Date.now()) - opts.graceMs;
  const result: SweepResult = { removedUploads: [], removedStaging: 0, removedSources: 0, kept: 0 };
  for (const name of await entries(dirs.staging)) {
    const path = join(dirs.staging, name);
    if (!(await olderThan(path, cutoff))) continue;
    await rm(path, { recursive: true, force: true });
    result.removedStaging++;
  }
  // References first, folders second: a folder published after this read is young, so kept.
  const { folders: referenced, processing } = await references();
  // Video sources (`<mediaId>.<ext>`) outlive their upload only while the video is processing.
  for (const name of await entries(dirs.sources)) {
    const path = join(dirs.sources, name);
    if (processing.has(name.replace(/\.[a-z0-9]+$/, "")) || !(await olderThan(path, cutoff)))
      continue;
    await rm(path, { force: true });
    result.removedSources++;
  }
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
