/**
 * The pod every Agora deployable runs in: non-root, read-only root filesystem (writable emptyDirs
 * for /tmp and the Next.js cache only), probes on the process's own health endpoints, and a drain
 * window on shutdown.
 */
import type {
  Container,
  PodTemplateSpec,
  Probe,
  Volume,
  VolumeMount,
} from "kubernetes-types/core/v1";
import { HTTP_PORT, HTTPS_PORT, METRICS_PORT } from "../deployables.ts";
import type { EnvironmentSpec } from "../environments.ts";
import { agoraImage } from "../images.ts";
import { podLabels } from "../meta.ts";
import { STORAGE_MOUNT } from "../config/config-map.ts";
import { containerEnv } from "../config/container-env.ts";
import { serviceTlsVolume } from "../security/service-identity.ts";
import { secretsVolumes } from "../security/secrets-store.ts";
import type { WorkloadInstance } from "./instances.ts";

/** uid/gid the Agora images run as; fsGroup makes the shared storage volume writable for it. */
export const AGORA_UID = 10001;
/** Where `next start` keeps its cache inside the Next.js images (WORKDIR /app). */
export const NEXT_CACHE_DIR = "/app/.next/cache";
export const STORAGE_CLAIM = "agora-storage";
/**
 * Seconds between "pod is terminating" and SIGTERM: endpoints controllers and the ingress need a
 * moment to stop sending new requests. A `sleep` lifecycle action needs no shell in the image.
 */
export const PRE_STOP_SECONDS = 5;

function probes(
  inst: WorkloadInstance,
): Pick<Container, "startupProbe" | "livenessProbe" | "readinessProbe"> {
  const port = inst.deployable.healthOn === "http" ? HTTP_PORT : METRICS_PORT;
  const get = (path: string): Probe["httpGet"] => ({ path, port });
  return {
    // Liveness only starts once this passes: a cold Next.js server may take a while.
    startupProbe: {
      httpGet: get("/healthz"),
      periodSeconds: 2,
      failureThreshold: 60,
      timeoutSeconds: 2,
    },
    livenessProbe: {
      httpGet: get("/healthz"),
      periodSeconds: 10,
      failureThreshold: 3,
      timeoutSeconds: 2,
    },
    // /readyz checks dependencies (Redis, core primary): a pod cut off from them stops taking traffic.
    readinessProbe: {
      httpGet: get("/readyz"),
      periodSeconds: 5,
      failureThreshold: 2,
      timeoutSeconds: 2,
    },
  };
}

export function podTemplate(
  inst: WorkloadInstance,
  env: EnvironmentSpec,
  version: string,
): PodTemplateSpec {
  const d = inst.deployable;
  const mounts: VolumeMount[] = [{ name: "tmp", mountPath: "/tmp" }];
  const volumes: Volume[] = [{ name: "tmp", emptyDir: { sizeLimit: "256Mi" } }];
  if (d.nextCache) {
    mounts.push({ name: "next-cache", mountPath: NEXT_CACHE_DIR });
    volumes.push({ name: "next-cache", emptyDir: { sizeLimit: "1Gi" } });
  }
  if (d.env.includes("service-tls")) {
    // The service identity's pair and the internal CA, renewed in place by cert-manager.
    const tls = serviceTlsVolume(d);
    mounts.push(tls.mount);
    volumes.push(tls.volume);
  }
  const secrets = secretsVolumes(d);
  mounts.push(...secrets.mounts);
  volumes.push(...secrets.volumes);
  if (d.storage) {
    mounts.push({ name: "storage", mountPath: STORAGE_MOUNT });
    volumes.push({ name: "storage", persistentVolumeClaim: { claimName: STORAGE_CLAIM } });
  }
  const ports: Container["ports"] = [];
  if (d.http) ports.push({ name: "http", containerPort: HTTP_PORT });
  if (d.metrics) ports.push({ name: "metrics", containerPort: METRICS_PORT });
  if (d.https) ports.push({ name: "https", containerPort: HTTPS_PORT });
  const container: Container = {
    name: d.name,
    image: agoraImage(d.image, version),
    ...(d.command ? { command: [...d.command] } : {}),
    ...(inst.args.length ? { args: [...inst.args] } : {}),
    env: containerEnv(d, env, inst.name),
    ports,
    resources: env.resources[d.name],
    ...probes(inst),
    lifecycle: { preStop: { sleep: { seconds: PRE_STOP_SECONDS } } },
    securityContext: {
      runAsNonRoot: true,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ["ALL"] },
    },
    volumeMounts: mounts,
  };
  const labels = podLabels(d, inst.name);
  return {
    metadata: { labels },
    spec: {
      // No process talks to the Kubernetes API: keep the token out of the pod.
      automountServiceAccountToken: false,
      securityContext: {
        runAsNonRoot: true,
        runAsUser: AGORA_UID,
        runAsGroup: AGORA_UID,
        fsGroup: AGORA_UID,
        seccompProfile: { type: "RuntimeDefault" },
      },
      terminationGracePeriodSeconds: PRE_STOP_SECONDS + d.drainSeconds,
      topologySpreadConstraints: [
        {
          maxSkew: 1,
          topologyKey: "topology.kubernetes.io/zone",
          whenUnsatisfiable: "ScheduleAnyway",
          labelSelector: { matchLabels: { "app.kubernetes.io/name": inst.name } },
        },
      ],
      containers: [container],
      volumes,
    },
  };
}
