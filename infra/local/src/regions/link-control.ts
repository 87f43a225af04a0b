/** Reading and setting the region link from other processes (CLI, console backend, tests). */
import { z } from "zod";
import { remoteRegion, type Topology } from "../topology.ts";
import { type LinkChange, linkStateSchema } from "./link-state.ts";

export const linkViewSchema = z.object({
  region: z.string(),
  state: linkStateSchema,
  changedAt: z.string(),
  routes: z.array(
    z.object({
      name: z.string(),
      from: z.string().optional(),
      to: z.string().optional(),
      listenPort: z.number(),
      targetPort: z.number(),
      stats: z.object({ accepted: z.number(), dropped: z.number(), open: z.number(), bytesUp: z.number(), bytesDown: z.number() }),
    }),
  ),
});
export type LinkView = z.infer<typeof linkViewSchema>;

export class RegionLinkUnavailableError extends Error {
  readonly code = "REGION_LINK_UNAVAILABLE";
  constructor(detail: string) {
    super(`the region link does not answer (${detail}); is the topology running with two regions?`);
    this.name = "RegionLinkUnavailableError";
  }
}

async function call(t: Topology, init?: RequestInit): Promise<LinkView> {
  const r = remoteRegion(t);
  let res: Response;
  try {
    res = await fetch(`http://${t.host}:${r.link.adminPort}/link`, { ...init, signal: AbortSignal.timeout(3_000) });
  } catch (err) {
    throw new RegionLinkUnavailableError(err instanceof Error ? err.message : String(err));
  }
  const body: unknown = await res.json();
  if (!res.ok) throw new Error(`region link refused the change: ${JSON.stringify(body)}`);
  return linkViewSchema.parse(body);
}

export function regionLink(t: Topology): Promise<LinkView> {
  return call(t);
}

export function setRegionLink(t: Topology, change: LinkChange): Promise<LinkView> {
  return call(t, { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify(change) });
}
