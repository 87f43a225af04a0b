/** Pieces shared by the third-party StatefulSets (etcd, Redis, Sentinel). */
import type { PodSecurityContext, SecurityContext, Service } from "kubernetes-types/core/v1";
import type { EnvironmentSpec } from "../environments.ts";
import { LABEL, PART_OF, metadata } from "../meta.ts";

export function statefulLabels(name: string, component: string): Record<string, string> {
  return { [LABEL.name]: name, [LABEL.partOf]: PART_OF, [LABEL.component]: component };
}

/** Headless: each member gets a stable DNS name `<pod>.<service>` (peers and clients list them). */
export function headlessService(
  env: EnvironmentSpec,
  name: string,
  labels: Record<string, string>,
  ports: { name: string; port: number }[],
): Service {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: metadata(env, name, labels),
    spec: {
      clusterIP: "None",
      // Members must find each other before they are ready (bootstrap, Sentinel discovery).
      publishNotReadyAddresses: true,
      selector: labels,
      ports: ports.map((p) => ({
        name: p.name,
        port: p.port,
        targetPort: p.port,
        protocol: "TCP",
      })),
    },
  };
}

export function podSecurity(uid: number): PodSecurityContext {
  return {
    runAsNonRoot: true,
    runAsUser: uid,
    runAsGroup: uid,
    fsGroup: uid,
    seccompProfile: { type: "RuntimeDefault" },
  };
}

export const containerSecurity: SecurityContext = {
  runAsNonRoot: true,
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  capabilities: { drop: ["ALL"] },
};
