/**
 * One-shot Jobs of a release: the SQL migration runner (every cluster, under its advisory lock, so
 * a second run is a no-op; `node dist/main.js migrate` in the workers image) and, where the
 * environment asks for it, the demo seed (`dist/seed.js`: not in the workers image yet). Job names
 * carry the version: a Job's pod template is immutable. Both reach Postgres with the same
 * `sslmode=verify-full` URLs as the apps, so they mount the internal CA where those URLs name it.
 */
import type { Job } from "kubernetes-types/batch/v1";
import type { EnvVar } from "kubernetes-types/core/v1";
import { containerEnv } from "../config/container-env.ts";
import type { EnvGroup } from "../env-table.ts";
import type { EnvironmentSpec } from "../environments.ts";
import { agoraImage } from "../images.ts";
import { LABEL, PART_OF, metadata } from "../meta.ts";
import { internalCaVolume } from "../security/service-identity.ts";
import { AGORA_UID } from "./pod-template.ts";

export const JOB_COMMANDS = {
  // The workers image's one-shot: apps/workers/src/release/migrate.ts.
  "db-migrate": ["node", "dist/main.js", "migrate"],
  "db-seed": ["node", "dist/seed.js"],
} as const;
export type JobKind = keyof typeof JOB_COMMANDS;

/** Concerns per Job: the migrator alone gets admin access to the primaries. */
const JOB_ENV: Record<JobKind, EnvGroup[]> = {
  "db-migrate": ["listen", "database", "migration"],
  "db-seed": ["listen", "database"],
};

/** A job reads its concerns only (plus its identity); no port, no Redis. */
export function jobEnv(env: EnvironmentSpec, kind: JobKind): EnvVar[] {
  const vars = containerEnv({ name: kind, env: JOB_ENV[kind], http: false }, env, kind);
  return vars.filter((v) => v.name !== "HOST");
}

export function releaseJob(kind: JobKind, env: EnvironmentSpec, version: string): Job {
  const name = `${kind}-${version}`.toLowerCase();
  // The workers image's one-shots: the CA of the workers identity's Secret, not its pair.
  const ca = internalCaVolume("workers");
  const labels = {
    [LABEL.name]: kind,
    [LABEL.partOf]: PART_OF,
    [LABEL.component]: "release-job",
    [LABEL.dbClient]: "true",
  };
  return {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: metadata(env, name, { ...labels, [LABEL.version]: version }),
    spec: {
      backoffLimit: 3,
      activeDeadlineSeconds: 900,
      ttlSecondsAfterFinished: 86_400,
      template: {
        metadata: { labels },
        spec: {
          restartPolicy: "Never",
          automountServiceAccountToken: false,
          securityContext: {
            runAsNonRoot: true,
            runAsUser: AGORA_UID,
            runAsGroup: AGORA_UID,
            // The CA file is group-readable only (tlsVolume's mode).
            fsGroup: AGORA_UID,
            seccompProfile: { type: "RuntimeDefault" },
          },
          containers: [
            {
              name: kind,
              image: agoraImage("workers", version),
              command: [...JOB_COMMANDS[kind]],
              env: jobEnv(env, kind),
              resources: {
                requests: { cpu: "100m", memory: "256Mi" },
                limits: { cpu: "1", memory: "512Mi" },
              },
              securityContext: {
                runAsNonRoot: true,
                allowPrivilegeEscalation: false,
                readOnlyRootFilesystem: true,
                capabilities: { drop: ["ALL"] },
              },
              volumeMounts: [{ name: "tmp", mountPath: "/tmp" }, ca.mount],
            },
          ],
          volumes: [{ name: "tmp", emptyDir: {} }, ca.volume],
        },
      },
    },
  };
}
