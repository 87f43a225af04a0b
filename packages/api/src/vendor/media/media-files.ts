/**
 * Upload files on disk, under the folder the media origin serves (`<stateDir>/media/**`). An
 * upload is written to a private staging folder first and moved into place with one rename (same
 * file system, atomic) only as the last step of the database transaction that records it; if that
 * transaction fails, both folders are removed, so a failed upload leaves no file behind.
 */
import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { loadConfig, storageSchema } from "@agora/config";

export interface MediaDirs {
  /** `<stateDir>/media`: what the origin serves as `/media/...`. */
  root: string;
  /** `<stateDir>/media-staging`: never served. */
  staging: string;
  /** `<stateDir>/media-sources`: uploaded videos waiting for their transcode; never served. */
  sources: string;
}

export function mediaDirs(stateDir = loadConfig(storageSchema).AGORA_STORAGE_DIR): MediaDirs {
  return {
    root: join(stateDir, "media"),
    staging: join(stateDir, "media-staging"),
    sources: join(stateDir, "media-sources"),
  };
}

/** `/media/uploads/x/y` → `<stateDir>/media/uploads/x/y`; only for URLs under /media/. */
export function fileOfUrl(dirs: MediaDirs, url: string): string {
  if (!url.startsWith("/media/") || url.includes("..")) throw new Error(`not a media URL: ${url}`);
  return join(dirs.root, url.slice("/media/".length));
}

export interface StagedUpload {
  stagingDir: string;
  finalDir: string;
  /** Moves the staged folder to its public place (call last inside the recording transaction). */
  publish(): Promise<void>;
  /** Removes whatever of the upload exists, staged or published (a failed transaction). */
  discard(): Promise<void>;
}

/**
 * An empty staging folder for the upload folder at `folderUrl`, for files a tool writes there
 * (a transcode, a thumbnail); a leftover of an earlier attempt with the same id is removed first.
 */
export async function stagingFolder(
  dirs: MediaDirs,
  uploadId: string,
  folderUrl: string,
): Promise<StagedUpload> {
  const stagingDir = join(dirs.staging, uploadId);
  const finalDir = fileOfUrl(dirs, folderUrl);
  const staged: StagedUpload = {
    stagingDir,
    finalDir,
    discard: async () => {
      await rm(stagingDir, { recursive: true, force: true });
      await rm(finalDir, { recursive: true, force: true });
    },
    publish: async () => {
      await mkdir(dirname(finalDir), { recursive: true });
      await rename(stagingDir, finalDir);
    },
  };
  await rm(stagingDir, { recursive: true, force: true });
  await mkdir(stagingDir, { recursive: true });
  return staged;
}

/** Writes `files` (name → bytes) into a staging folder for the upload folder at `folderUrl`. */
export async function stageUpload(
  dirs: MediaDirs,
  uploadId: string,
  folderUrl: string,
  files: { name: string; bytes: Uint8Array }[],
): Promise<StagedUpload> {
  const staged = await stagingFolder(dirs, uploadId, folderUrl);
  try {
    for (const f of files) await writeFile(join(staged.stagingDir, f.name), f.bytes);
  } catch (err) {
    await staged.discard();
    throw err;
  }
  return staged;
}

/** Removes a published file or upload folder (after its row is gone). */
export async function removeMedia(dirs: MediaDirs, url: string, folder: boolean): Promise<void> {
  await rm(fileOfUrl(dirs, url), { recursive: folder, force: true });
}
