/**
 * Which release a server process runs and the faults a demo release carries. A rollout starts the
 * new version's instances with AGORA_RELEASE=<version> (shown in the registry record and on
 * /readyz); a fault flag exists only in the processes started with it, so it is a property of that
 * release, as a real bug would be.
 */
import { z } from "zod";

const rate = z.coerce.number().min(0).max(1);

export const releaseSchema = z.object({
  /** The release (version) this process belongs to; unset: AGORA_VERSION. */
  AGORA_RELEASE: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, "letters, digits, '.', '_', '-'").optional(),
  /** Share (0..1) of `catalog.product` reads that fail with a server error in this release. */
  AGORA_FAULT_PRODUCT_READ_RATE: rate.default(0),
});
export type ReleaseSettings = z.infer<typeof releaseSchema>;
