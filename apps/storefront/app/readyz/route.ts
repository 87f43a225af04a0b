import { createCaller, createTRPCContext } from "@agora/api";
import { untraced } from "@agora/telemetry";
import { loadConfig, registrySchema, releaseSchema } from "@agora/config";

// Readiness: can this instance serve data right now? 503 with the reason. In Kubernetes the
// readiness probe reads it (a 503 takes the pod out of the Service's endpoints); the local HAProxy
// edge checks /healthz, not this.
export const dynamic = "force-dynamic";

export async function GET(req: Request) {
  const caller = createCaller(await createTRPCContext({ headers: req.headers }));
  // Not traced (like the request itself): the instance probes itself every 5 s for the registry.
  const readiness = await untraced(() => caller.health.ready());
  // The release a rollout started this instance as (the registry record carries it too).
  const { release, registry } = loadConfig({ release: releaseSchema, registry: registrySchema });
  return Response.json(
    { app: "storefront", release: release.AGORA_RELEASE ?? registry.AGORA_VERSION, ...readiness },
    { status: readiness.ready ? 200 : 503, headers: { "cache-control": "no-store" } },
  );
}
