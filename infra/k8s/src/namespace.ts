/** The environment's namespace, with the Pod Security "restricted" level enforced. */
import type { Namespace } from "kubernetes-types/core/v1";
import type { EnvironmentSpec } from "./environments.ts";
import { PART_OF } from "./meta.ts";

export function namespace(env: EnvironmentSpec): Namespace {
  return {
    apiVersion: "v1",
    kind: "Namespace",
    metadata: {
      name: env.namespace,
      labels: {
        "app.kubernetes.io/part-of": PART_OF,
        // Spilo needs a few capabilities the restricted profile forbids, so enforce baseline and
        // warn on restricted: every Agora pod already meets restricted.
        "pod-security.kubernetes.io/enforce": "baseline",
        "pod-security.kubernetes.io/warn": "restricted",
      },
    },
  };
}
