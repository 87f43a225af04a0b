/**
 * Installs the console's ops backend at start-up. `AGORA_OPS_BACKEND=local` (set by infra/local's
 * launcher, with the topology's AGORA_PROFILE / AGORA_STATE_DIR / AGORA_BASE_PORT) selects the
 * local topology; unset, the ops actions answer "not available in this deployment".
 */
import { installOpsBackend } from "@agora/api/ops-backend";
import { z } from "zod";
import { loadConfig } from "@agora/config";

const opsBackendEnv = z.object({
  AGORA_OPS_BACKEND: z.enum(["local"]).optional(),
  AGORA_PROFILE: z.enum(["dev", "test"]).default("dev"),
});

export async function installConfiguredOpsBackend(): Promise<string | undefined> {
  const env = loadConfig(opsBackendEnv);
  if (env.AGORA_OPS_BACKEND !== "local") return undefined;
  const [{ topology }, { localOpsBackend }] = await Promise.all([
    import("@agora/infra-local/topology"),
    import("./local.ts"),
  ]);
  const backend = localOpsBackend(topology(env.AGORA_PROFILE));
  installOpsBackend(backend);
  return backend.name;
}
