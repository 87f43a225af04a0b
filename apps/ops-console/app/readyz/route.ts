import { createCaller, createTRPCContext } from "@agora/api";

// Readiness: can this instance serve data right now? 503 with the reason takes it out of rotation.
export const dynamic = "force-dynamic";

export async function GET(req: Request) {
  const caller = createCaller(await createTRPCContext({ headers: req.headers }));
  const readiness = await caller.health.ready();
  return Response.json(
    { app: "ops-console", ...readiness },
    { status: readiness.ready ? 200 : 503, headers: { "cache-control": "no-store" } },
  );
}
