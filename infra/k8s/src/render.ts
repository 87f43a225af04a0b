/**
 * Renders an environment: every document, grouped into files whose numeric prefixes are the order
 * to apply them in (namespace and config, network policies before any pod, data stores, the
 * release jobs, then the workloads and their autoscalers).
 */
import { stringify } from "yaml";
import { webAutoscaler } from "./autoscaling/hpa.ts";
import { poolScaledObject, redisTriggerAuthentication } from "./autoscaling/keda.ts";
import { configMap } from "./config/config-map.ts";
import { etcdResources } from "./data/etcd.ts";
import { postgresClusters } from "./data/postgres.ts";
import { redisResources } from "./data/redis.ts";
import { WEB_APPS, WORKER_POOLS } from "./deployables.ts";
import { CANARY_SERVICE, storefrontAnalysis, storefrontRollout } from "./delivery/rollout.ts";
import { type EnvironmentName, environment } from "./environments.ts";
import type { Manifest } from "./manifest.ts";
import { LABEL } from "./meta.ts";
import { prometheusRule } from "./monitoring/prometheus-rule.ts";
import { namespace } from "./namespace.ts";
import { REALTIME_SERVICE, ingresses } from "./network/ingress.ts";
import { networkPolicies } from "./network/policies.ts";
import { certificates } from "./security/service-identity.ts";
import { secretsStoreClaim } from "./security/secrets-store.ts";
import { deployment, selectorOf } from "./workloads/deployment.ts";
import { type WorkloadInstance, workloadInstances } from "./workloads/instances.ts";
import { releaseJob } from "./workloads/jobs.ts";
import { podDisruptionBudget } from "./workloads/pod-disruption-budget.ts";
import { podTemplate } from "./workloads/pod-template.ts";
import { service } from "./workloads/service.ts";
import { storageClaim } from "./workloads/storage.ts";

export interface RenderOptions {
  /** Image tag of every Agora image in this release. */
  version: string;
}

export interface RenderedFile {
  file: string;
  documents: Manifest[];
}

function workloads(name: EnvironmentName, version: string): Manifest[] {
  const env = environment(name);
  const instances = workloadInstances(env);
  const docs: Manifest[] = [];
  const isStorefront = (i: WorkloadInstance) => i.deployable.name === "storefront";
  for (const inst of instances) {
    docs.push(
      isStorefront(inst)
        ? storefrontRollout(env, podTemplate(inst, env, version), version)
        : deployment(inst, env, version),
    );
    // The realtime gateways share one Service (below); everything else gets its own. The
    // inventory's is headless: its gRPC callers resolve every pod and balance round-robin.
    if (inst.deployable.name !== "realtime")
      docs.push(
        service(
          env,
          inst.name,
          inst.deployable,
          selectorOf(inst),
          inst.deployable.name === "inventory" ? { clusterIP: "None" } : {},
        ),
      );
  }
  const storefront = instances.find(isStorefront);
  const realtime = instances.find((i) => i.deployable.name === "realtime");
  if (storefront) {
    docs.push(
      service(env, CANARY_SERVICE, storefront.deployable, selectorOf(storefront)),
      storefrontAnalysis(env),
    );
  }
  if (realtime) {
    docs.push(
      service(
        env,
        REALTIME_SERVICE,
        realtime.deployable,
        { [LABEL.deployable]: "realtime" },
        {
          // In-cluster clients stick too; the ingress keeps browsers on one gateway with a cookie.
          sessionAffinity: "ClientIP",
        },
      ),
    );
  }
  return docs;
}

export function renderEnvironment(name: EnvironmentName, options: RenderOptions): RenderedFile[] {
  const env = environment(name);
  const instances = workloadInstances(env);
  // Builders share constant objects (sizes, labels): give every document its own copy, so an edit
  // to one never shows up in another and the YAML carries no anchors.
  return files(env.name, instances, options).map((f) => ({
    ...f,
    documents: f.documents.map((d) => structuredClone(d)),
  }));
}

function files(
  name: EnvironmentName,
  instances: WorkloadInstance[],
  options: RenderOptions,
): RenderedFile[] {
  const env = environment(name);
  return [
    { file: "00-namespace.yaml", documents: [namespace(env)] },
    { file: "10-config.yaml", documents: [configMap(env), storageClaim(env), secretsStoreClaim(env)] },
    // Before any pod: every Agora pod, Redis and etcd mount a Secret cert-manager writes from these.
    { file: "12-certificates.yaml", documents: certificates(env) },
    { file: "15-network.yaml", documents: [...networkPolicies(env), ...ingresses(env)] },
    { file: "20-postgres.yaml", documents: postgresClusters(env) },
    { file: "21-redis.yaml", documents: redisResources(env) },
    { file: "22-etcd.yaml", documents: etcdResources(env) },
    // Separate files: the seed may only start once the migrations completed.
    { file: "30-migrate-job.yaml", documents: [releaseJob("db-migrate", env, options.version)] },
    ...(env.seed
      ? [{ file: "31-seed-job.yaml", documents: [releaseJob("db-seed", env, options.version)] }]
      : []),
    { file: "40-workloads.yaml", documents: workloads(name, options.version) },
    {
      file: "45-disruption-budgets.yaml",
      documents: instances.map((i) => podDisruptionBudget(env, i.name, selectorOf(i))),
    },
    {
      file: "50-autoscaling.yaml",
      documents: [
        ...WEB_APPS.map((app) =>
          webAutoscaler(
            env,
            app,
            app === "storefront"
              ? { apiVersion: "argoproj.io/v1alpha1", kind: "Rollout" }
              : { apiVersion: "apps/v1", kind: "Deployment" },
          ),
        ),
        redisTriggerAuthentication(env),
        ...WORKER_POOLS.map((p) => poolScaledObject(env, p)),
      ],
    },
    // The same alert rules the maintenance pool's evaluator runs locally.
    { file: "60-alert-rules.yaml", documents: [prometheusRule(env)] },
  ];
}

export function allDocuments(files: RenderedFile[]): Manifest[] {
  return files.flatMap((f) => f.documents);
}

export function toYaml(file: RenderedFile): string {
  const header =
    "# Generated by infra/k8s (npm run k8s:render). Edit the TypeScript, not this file.\n";
  return (
    header +
    file.documents
      .map((d) => stringify(d, { lineWidth: 0, aliasDuplicateObjects: false }))
      .join("---\n")
  );
}
