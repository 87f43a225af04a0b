/**
 * Every long-running container has startup, liveness and readiness probes. Agora images must probe
 * their own HTTP endpoints (`/healthz` live, `/readyz` ready); third-party servers (Redis, etcd)
 * may use tcp/exec probes.
 */
import type { Probe } from "kubernetes-types/core/v1";
import type { Manifest } from "../manifest.ts";
import type { Violation } from "./violation.ts";
import { isAgoraImage, servingWorkloads } from "./workloads.ts";

const policy = "probes";

export function checkProbes(docs: readonly Manifest[]): Violation[] {
  const out: Violation[] = [];
  for (const w of servingWorkloads(docs)) {
    for (const c of w.spec.containers) {
      const probes: [string, Probe | undefined, string][] = [
        ["startupProbe", c.startupProbe, "/healthz"],
        ["livenessProbe", c.livenessProbe, "/healthz"],
        ["readinessProbe", c.readinessProbe, "/readyz"],
      ];
      for (const [name, probe, path] of probes) {
        if (!probe) {
          out.push({ policy, document: w.ref, message: `container ${c.name} has no ${name}` });
        } else if (isAgoraImage(c.image) && probe.httpGet?.path !== path) {
          out.push({
            policy,
            document: w.ref,
            message: `container ${c.name} ${name} must GET ${path}`,
          });
        }
      }
    }
  }
  return out;
}
