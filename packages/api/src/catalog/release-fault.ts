/**
 * The demo fault of a release: AGORA_FAULT_PRODUCT_READ_RATE=0.2 makes 20 % of `catalog.product`
 * reads fail with a server error in the processes started with it (one release), so a canary
 * analysis has something real to catch. Unset (0) in every normal process.
 */
import { loadConfig, releaseSchema, type ReleaseSettings } from "@agora/config";
import { TRPCError } from "@trpc/server";

export class InjectedFaultError extends Error {
  readonly code = "INJECTED_FAULT";
}

let settings: ReleaseSettings | undefined;

export function productReadFault(random: () => number = Math.random, release: ReleaseSettings = (settings ??= loadConfig(releaseSchema))): void {
  const rate = release.AGORA_FAULT_PRODUCT_READ_RATE;
  if (rate > 0 && random() < rate) {
    const cause = new InjectedFaultError(`product read fault of release ${release.AGORA_RELEASE ?? "(unnamed)"} (rate ${rate})`);
    throw new TRPCError({ code: "INTERNAL_SERVER_ERROR", message: "the product could not be read", cause });
  }
}
