/**
 * Every environment variable an Agora container receives is in the env table (the contract every
 * process reads through `@agora/config`), and every secret variable comes from a Secret reference,
 * never from a literal value. Third-party containers (Redis, etcd) read their own variables.
 */
import { envVarSpec } from "../env-table.ts";
import type { Manifest } from "../manifest.ts";
import type { Violation } from "./violation.ts";
import { isAgoraImage, podWorkloads } from "./workloads.ts";

export function checkEnvContract(docs: readonly Manifest[]): Violation[] {
  const out: Violation[] = [];
  for (const w of podWorkloads(docs)) {
    for (const c of w.spec.containers.filter((x) => isAgoraImage(x.image))) {
      if (c.envFrom?.length) {
        out.push({
          policy: "env",
          document: w.ref,
          message: `container ${c.name} uses envFrom: variables must be listed one by one`,
        });
      }
      for (const v of c.env ?? []) {
        const spec = envVarSpec(v.name);
        if (!spec) {
          out.push({
            policy: "env",
            document: w.ref,
            message: `container ${c.name} reads ${v.name}, which is not in the env table`,
          });
        } else if (spec.source === "secret" && !v.valueFrom?.secretKeyRef) {
          out.push({
            policy: "env",
            document: w.ref,
            message: `container ${c.name}: ${v.name} must come from a Secret`,
          });
        }
      }
    }
  }
  return out;
}
