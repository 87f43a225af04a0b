/**
 * Which region holds core's primary. eu does until a region failover promotes the us standby
 * cluster (drills/region-failover.ts); from then the state folder says so, and every us process
 * started afterwards writes to its own region's core (env/process-env.ts) and takes checkouts
 * without the partition gate (it *is* the core region). Failback removes the file.
 */
import { existsSync, readFileSync, rmSync } from "node:fs";
import { z } from "zod";
import { writeJsonFile } from "../processes/json-file.ts";
import type { RemoteRegion } from "../topology.ts";

export const failoverStateSchema = z.strictObject({
  /** The region whose standby cluster was promoted: it holds core's primary now. */
  coreRegion: z.string().min(1),
  promotedAt: z.string(),
  /** The drill (or operator action) that promoted it. */
  drillId: z.string(),
});
export type FailoverState = z.infer<typeof failoverStateSchema>;

export function readFailoverState(r: Pick<RemoteRegion, "failoverStateFile">): FailoverState | undefined {
  if (!existsSync(r.failoverStateFile)) return undefined;
  return failoverStateSchema.parse(JSON.parse(readFileSync(r.failoverStateFile, "utf8")));
}

/** True when `r`'s copy of core was promoted: its processes write locally. */
export function holdsCorePrimary(r: Pick<RemoteRegion, "name" | "failoverStateFile">): boolean {
  return readFailoverState(r)?.coreRegion === r.name;
}

export function writeFailoverState(r: Pick<RemoteRegion, "failoverStateFile">, s: FailoverState): void {
  writeJsonFile(r.failoverStateFile, failoverStateSchema.parse(s));
}

export function clearFailoverState(r: Pick<RemoteRegion, "failoverStateFile">): void {
  rmSync(r.failoverStateFile, { force: true });
}
