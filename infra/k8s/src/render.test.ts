import { parseAllDocuments } from "yaml";
import { describe, expect, it } from "vitest";
import type { HorizontalPodAutoscaler } from "kubernetes-types/autoscaling/v2";
import type { Deployment } from "kubernetes-types/apps/v1";
import type { Job } from "kubernetes-types/batch/v1";
import type { ConfigMap, Service } from "kubernetes-types/core/v1";
import {
  type ZalandoPostgresql,
  databaseHost,
  postgresClusterName,
  postgresServices,
} from "./data/postgres.ts";
import { ENVIRONMENT_NAMES, environment } from "./environments.ts";
import type { ScaledObjectDoc } from "./autoscaling/keda.ts";
import { checkPolicies } from "./policies/index.ts";
import { type CertManagerCertificate, INTERNAL_CA } from "./security/cert-manager.ts";
import { tlsSecretName } from "./security/service-identity.ts";
import { allDocuments, renderEnvironment, toYaml } from "./render.ts";
import { validateDocuments } from "./validation/validate.ts";

const VERSION = "abc1234";
const rendered = Object.fromEntries(
  ENVIRONMENT_NAMES.map((e) => [e, renderEnvironment(e, { version: VERSION })]),
);
const docsOf = (env: (typeof ENVIRONMENT_NAMES)[number]) => allDocuments(rendered[env] ?? []);
const find = <T>(env: (typeof ENVIRONMENT_NAMES)[number], kind: string, name: string) =>
  docsOf(env).find((d) => d.kind === kind && d.metadata?.name === name) as T | undefined;

describe.each(ENVIRONMENT_NAMES)("rendered %s manifests", (env) => {
  it("validate offline against the Kubernetes, Argo Rollouts, KEDA and postgres-operator schemas", () => {
    expect(docsOf(env).length).toBeGreaterThan(100);
    expect(validateDocuments(docsOf(env))).toEqual([]);
  }, 120_000); // the first call compiles every JSON schema

  it("pass every policy (probes, resources, non-root, PDBs, network coverage, secrets, tags, env)", () => {
    expect(checkPolicies(docsOf(env))).toEqual([]);
  });

  it("render no Secret at all: values are created out of band", () => {
    expect(docsOf(env).filter((d) => d.kind === "Secret")).toEqual([]);
  });

  it("round-trip through YAML unchanged, one namespace for every object", () => {
    for (const file of rendered[env] ?? []) {
      const parsed = parseAllDocuments(toYaml(file)).map((d) => d.toJS() as unknown);
      expect(parsed).toEqual(JSON.parse(JSON.stringify(file.documents)));
    }
    const namespaces = new Set(
      docsOf(env)
        .filter((d) => d.kind !== "Namespace")
        .map((d) => d.metadata?.namespace),
    );
    expect(namespaces.size).toBe(1);
  });

  it("runs every worker pool from the one workers image, chosen by argument", () => {
    const pool = find<Deployment>(env, "Deployment", "workers-sagas");
    const c = pool?.spec?.template?.spec?.containers[0];
    expect(c?.image).toBe(`agora/workers:${VERSION}`);
    expect([...(c?.command ?? []), ...(c?.args ?? [])]).toEqual(["node", "dist/main.js", "sagas"]);
  });

  it("runs the inventory gRPC service behind a headless Service its callers balance over", () => {
    const inventory = find<Deployment>(env, "Deployment", "inventory");
    const c = inventory?.spec?.template?.spec?.containers[0];
    expect([...(c?.command ?? []), ...(c?.args ?? [])]).toEqual([
      "node",
      "dist/main.js",
      "inventory",
    ]);
    expect(inventory?.spec?.replicas).toBeGreaterThanOrEqual(2);
    const svc = find<Service>(env, "Service", "inventory");
    expect(svc?.spec?.clusterIP).toBe("None");
    const config = find<ConfigMap>(env, "ConfigMap", "agora-config");
    expect(config?.data?.AGORA_INVENTORY_TARGET).toMatch(/^dns:\/\/\/inventory\.[^:]+:\d+$/);
    for (const caller of ["workers-sagas", "workers-payments"]) {
      const vars = find<Deployment>(env, "Deployment", caller)?.spec?.template?.spec?.containers[0]
        ?.env;
      expect(vars?.map((v) => v.name)).toContain("AGORA_INVENTORY_TARGET");
    }
  });

  it("runs the migrations Job from the workers image, the only workload given the admin Secret", () => {
    const secretsOf = (d: object) =>
      [...JSON.stringify(d).matchAll(/"secretKeyRef":\{"name":"([^"]+)","key":"([^"]+)"/g)].map(
        (m) => `${m[1]}/${m[2]}`,
      );
    const migrate = docsOf(env).find(
      (d) => d.kind === "Job" && d.metadata?.name === `db-migrate-${VERSION}`,
    );
    const c = (migrate as Job | undefined)?.spec?.template.spec?.containers[0];
    expect([...(c?.command ?? []), ...(c?.args ?? [])]).toEqual([
      "node",
      "dist/main.js",
      "migrate",
    ]);
    expect(secretsOf(migrate ?? {})).toEqual(
      expect.arrayContaining([
        "agora-database-admin/AGORA_DB_ADMIN_URL_CORE",
        "agora-database-admin/AGORA_DB_APP_PASSWORD",
      ]),
    );
    const others = docsOf(env).filter((d) => d !== migrate);
    expect(
      others.flatMap((d) => secretsOf(d)).filter((s) => s.startsWith("agora-database-admin/")),
    ).toEqual([]);
  });

  it("runs core with 3 synchronous Patroni members and each shard with 2", () => {
    const pg = docsOf(env).filter((d): d is ZalandoPostgresql => d.kind === "postgresql");
    const core = pg.find((p) => p.metadata.name === "agora-core");
    expect(core?.spec.numberOfInstances).toBe(3);
    expect(core?.spec.patroni?.synchronous_mode).toBe(true);
    const shards = pg.filter((p) => p.metadata.name !== "agora-core");
    expect(shards.length).toBeGreaterThan(0);
    for (const s of shards) expect(s.spec.numberOfInstances).toBe(2);
  });

  it("gives each Postgres cluster an internal CA certificate naming its URLs' Services", () => {
    const spec = environment(env);
    const clusters = ["core", ...spec.shards];
    const pg = docsOf(env).filter((d): d is ZalandoPostgresql => d.kind === "postgresql");
    const certs = docsOf(env).filter((d): d is CertManagerCertificate => d.kind === "Certificate");
    const fileOf = (doc: object) =>
      (rendered[env] ?? []).findIndex((f) => f.documents.includes(doc as never));
    // The renewal policy of every other issued certificate, e.g. the workers' identity.
    const identity = certs.find((c) => c.spec.secretName === tlsSecretName("workers"));
    expect(pg.map((p) => p.metadata.name)).toEqual(clusters.map(postgresClusterName));
    for (const cluster of clusters) {
      const p = pg.find((d) => d.metadata.name === postgresClusterName(cluster))!;
      expect(p.spec.tls).toEqual({
        secretName: expect.any(String),
        certificateFile: "tls.crt",
        privateKeyFile: "tls.key",
        caFile: "ca.crt",
      });
      // Spilo's Postgres runs as a non-root member of the `postgres` group: fsGroup lets it read.
      expect(p.spec.spiloFSGroup).toBe(103);
      const cert = certs.find((c) => c.spec.secretName === p.spec.tls?.secretName);
      expect(cert, `${p.metadata.name}: a Certificate writes its Secret`).toBeDefined();
      expect(fileOf(cert!)).toBeLessThan(fileOf(p));
      expect(cert!.spec.issuerRef).toEqual(identity?.spec.issuerRef);
      expect(cert!.spec.issuerRef.name).toBe(INTERNAL_CA.issuer);
      for (const field of ["duration", "renewBefore", "privateKey", "usages"] as const)
        expect(cert!.spec[field], field).toEqual(identity?.spec[field]);
      const services = postgresServices(cluster);
      const ns = spec.namespace;
      for (const service of [services.rw, services.ro])
        for (const name of [service, `${service}.${ns}`, `${service}.${ns}.svc`])
          expect(cert!.spec.dnsNames).toContain(name);
      // The hosts of docs/deploy.md's URLs (tests/deploy/k8s-startup-env.test.ts checks the URLs).
      for (const role of ["rw", "ro"] as const)
        expect(cert!.spec.dnsNames).toContain(databaseHost(spec, cluster, role));
    }
  });
});

describe("autoscaling", () => {
  it("keeps 10 to 100 storefront instances in production, scaling the canary Rollout", () => {
    const hpa = find<HorizontalPodAutoscaler>(
      "production",
      "HorizontalPodAutoscaler",
      "storefront",
    );
    expect(hpa?.spec?.minReplicas).toBe(10);
    expect(hpa?.spec?.maxReplicas).toBe(100);
    expect(hpa?.spec?.scaleTargetRef.kind).toBe("Rollout");
    expect(hpa?.spec?.behavior?.scaleDown?.stabilizationWindowSeconds).toBeGreaterThan(0);
  });

  it("keeps staging's web tier smaller than production's", () => {
    const staging = find<HorizontalPodAutoscaler>(
      "staging",
      "HorizontalPodAutoscaler",
      "storefront",
    );
    expect(staging?.spec?.maxReplicas).toBeLessThan(100);
  });

  it("scales each pool on its queues' BullMQ wait list and prioritized set, through Sentinel", () => {
    const so = find<ScaledObjectDoc>("production", "ScaledObject", "workers-notifications");
    const keys = so?.spec.triggers.map((t) => t.metadata.listName);
    expect(keys).toContain("bull:outbox-order.notifications:wait");
    expect(keys).toContain("bull:outbox-order.notifications:prioritized");
    expect(new Set(so?.spec.triggers.map((t) => t.type))).toEqual(
      new Set(["redis-sentinel", "prometheus"]),
    );
  });

  it("lets only the imports pool sleep, waking it on the first waiting job", () => {
    const imports = find<ScaledObjectDoc>("production", "ScaledObject", "workers-imports");
    expect(imports?.spec.minReplicaCount).toBe(0);
    expect(
      imports?.spec.triggers
        .filter((t) => t.type === "redis-sentinel")
        .every((t) => t.metadata.activationListLength === "0"),
    ).toBe(true);
    const maintenance = find<ScaledObjectDoc>("production", "ScaledObject", "workers-maintenance");
    expect(maintenance?.spec.minReplicaCount).toBeGreaterThan(0);
  });
});
