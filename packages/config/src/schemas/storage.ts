/** Writable folder for media files and CSV imports (a volume in Kubernetes). */
import { z } from "zod";

export const storageSchema = z.object({
  AGORA_STORAGE_DIR: z
    .string({ message: "required (writable folder for media and imports)" })
    .min(1),
});

/**
 * Media origin only: the CDN edges' cache folders it purges entries from, comma-separated (one per
 * edge instance; unset: purge answers 501).
 */
export const cdnCacheSchema = z.object({
  AGORA_CDN_CACHE_DIR: z
    .string()
    .min(1)
    .transform((v) => v.split(",").filter(Boolean))
    .optional(),
});
