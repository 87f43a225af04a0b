/**
 * The secrets provider on Kubernetes (`@agora/secrets`' file provider, as locally):
 * - its store — transit keys (personal data, the provider's signing keys), the per-person erasure
 *   secrets sign-up writes, the audit log — on a small ReadWriteMany volume shared by the pods
 *   that read it, 0700 for the Agora uid (the provider takes a lock file for every write);
 * - the sign-in clients' secrets in a store of the same format the operator creates and rotates
 *   (`npm run identity:clients`), the Secret `agora-identity-clients` mounted read-only, so no
 *   starting pod invents a client secret another pod does not know.
 */
import type { PersistentVolumeClaim, Volume, VolumeMount } from "kubernetes-types/core/v1";
import type { Deployable } from "../deployables.ts";
import type { EnvironmentSpec } from "../environments.ts";
import { metadata } from "../meta.ts";

export const SECRETS_STORE = {
  claim: "agora-secrets",
  mount: "/var/lib/agora/secrets",
  size: "1Gi",
} as const;

export const IDENTITY_CLIENTS = {
  /** Created by the operator from `npm run identity:clients -- create` (docs/deploy.md). */
  secret: "agora-identity-clients",
  mount: "/var/run/agora/identity-clients",
  /** The one key: the file provider's document. */
  key: "secrets.json",
} as const;

export function secretsStoreClaim(env: EnvironmentSpec): PersistentVolumeClaim {
  return {
    apiVersion: "v1",
    kind: "PersistentVolumeClaim",
    metadata: metadata(env, SECRETS_STORE.claim),
    spec: {
      accessModes: ["ReadWriteMany"],
      storageClassName: env.storage.storageClass,
      resources: { requests: { storage: SECRETS_STORE.size } },
    },
  };
}

/** The volumes a deployable's env groups ask for: the shared store, the clients' Secret. */
export function secretsVolumes(d: Pick<Deployable, "env">): { volumes: Volume[]; mounts: VolumeMount[] } {
  const volumes: Volume[] = [];
  const mounts: VolumeMount[] = [];
  if (d.env.includes("secrets")) {
    volumes.push({ name: "secrets", persistentVolumeClaim: { claimName: SECRETS_STORE.claim } });
    mounts.push({ name: "secrets", mountPath: SECRETS_STORE.mount });
  }
  if (d.env.includes("identity-clients")) {
    volumes.push({
      name: "identity-clients",
      // No subPath: a rotated Secret reaches the running pods (kubelet sync, about a minute).
      secret: {
        secretName: IDENTITY_CLIENTS.secret,
        items: [{ key: IDENTITY_CLIENTS.key, path: IDENTITY_CLIENTS.key }],
        defaultMode: 0o440,
      },
    });
    mounts.push({ name: "identity-clients", mountPath: IDENTITY_CLIENTS.mount, readOnly: true });
  }
  return { volumes, mounts };
}
