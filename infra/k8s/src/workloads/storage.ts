/** The shared media + import volume (`AGORA_STORAGE_DIR`): written by several pods, so RWX. */
import type { PersistentVolumeClaim } from "kubernetes-types/core/v1";
import type { EnvironmentSpec } from "../environments.ts";
import { metadata } from "../meta.ts";
import { STORAGE_CLAIM } from "./pod-template.ts";

export function storageClaim(env: EnvironmentSpec): PersistentVolumeClaim {
  return {
    apiVersion: "v1",
    kind: "PersistentVolumeClaim",
    metadata: metadata(env, STORAGE_CLAIM),
    spec: {
      accessModes: ["ReadWriteMany"],
      storageClassName: env.storage.storageClass,
      resources: { requests: { storage: env.storage.size } },
    },
  };
}
