/**
 * Every process the Kubernetes generator deploys starts with the environment it is given: each
 * container's variables (ConfigMap values as rendered, Secret keys as the operator creates them)
 * pass the same start-up check the process runs on itself (`@agora/config` schemas through the
 * app's or worker's own loader). A variable a process requires but its deployable's env groups do
 * not deliver is a pod that crash-loops on its first start; this test is where that shows.
 */
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { basename, dirname } from "node:path";
import { checkWebEnv } from "@agora/api/env";
import type { EnvVar } from "kubernetes-types/core/v1";
import { describe, expect, it } from "vitest";
import { loadIdentityEnv } from "../../apps/identity/src/config.ts";
import { loadSimEnv } from "../../apps/payment-sim/src/config.ts";
import {
  checkStartupConfig,
  PROCESS_CONFIG,
  processKind,
} from "../../apps/workers/src/startup-config.ts";
import { configValues } from "../../infra/k8s/src/config/config-map.ts";
import { containerEnv } from "../../infra/k8s/src/config/container-env.ts";
import { databaseHost, postgresClusters } from "../../infra/k8s/src/data/postgres.ts";
import { ALL_DEPLOYABLES, type Deployable, WEB_APPS } from "../../infra/k8s/src/deployables.ts";
import { ENVIRONMENTS, type EnvironmentSpec } from "../../infra/k8s/src/environments.ts";
import type { CertManagerCertificate } from "../../infra/k8s/src/security/cert-manager.ts";
import { certificates } from "../../infra/k8s/src/security/service-identity.ts";
import { TLS_FILES } from "../../infra/k8s/src/security/service-tls-files.ts";
import {
  JOB_COMMANDS,
  type JobKind,
  jobEnv,
  releaseJob,
} from "../../infra/k8s/src/workloads/jobs.ts";
import { workloadInstances } from "../../infra/k8s/src/workloads/instances.ts";
import { podTemplate } from "../../infra/k8s/src/workloads/pod-template.ts";

/**
 * The variables that make a process's internal links encrypted: its service identity (mutual TLS
 * to the internal planes), Redis's and etcd's CA and client pair. In production each one is
 * required.
 */
const TLS_VARIABLES = [
  "AGORA_TLS_CA_FILE",
  "AGORA_TLS_CERT_FILE",
  "AGORA_TLS_KEY_FILE",
  "AGORA_REDIS_TLS_CA_FILE",
  "AGORA_REDIS_TLS_CERT_FILE",
  "AGORA_REDIS_TLS_KEY_FILE",
  "AGORA_ETCD_CA_FILE",
  "AGORA_ETCD_CERT_FILE",
  "AGORA_ETCD_KEY_FILE",
] as const;
const TLS_GROUPS = {
  service: ["AGORA_TLS_CA_FILE", "AGORA_TLS_CERT_FILE", "AGORA_TLS_KEY_FILE"],
  redis: ["AGORA_REDIS_TLS_CA_FILE", "AGORA_REDIS_TLS_CERT_FILE", "AGORA_REDIS_TLS_KEY_FILE"],
  etcd: ["AGORA_ETCD_CA_FILE", "AGORA_ETCD_CERT_FILE", "AGORA_ETCD_KEY_FILE"],
} as const;

/** What docs/deploy.md's URL recipe appends: the server checked against the CA every pod mounts. */
const DB_URL_TLS = `sslmode=verify-full&sslrootcert=${TLS_FILES.ca}`;

/** A value of the shape the operator's Secret holds for `name` (docs/deploy.md). */
function secretValue(name: string, env: EnvironmentSpec): string {
  const db = /^AGORA_DB_(ADMIN_)?URL_([A-Z0-9_]+?)(_RW|_RO)?$/.exec(name);
  if (db) {
    const cluster = (db[2] as string).toLowerCase().replace(/_/g, "-");
    const host = databaseHost(env, cluster, db[3] === "_RO" ? "ro" : "rw");
    const user = db[1] ? "postgres" : "agora";
    const password = randomBytes(12).toString("hex");
    return `postgresql://${user}:${password}@${host}:5432/agora?${DB_URL_TLS}`;
  }
  return randomBytes(32).toString("base64url");
}

function resolve(
  vars: EnvVar[],
  config: Record<string, string>,
  env: EnvironmentSpec,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const v of vars) {
    if (v.value !== undefined) out[v.name] = v.value;
    else if (v.valueFrom?.configMapKeyRef) {
      const value = config[v.valueFrom.configMapKeyRef.key];
      if (value !== undefined) out[v.name] = value;
    } else if (v.valueFrom?.secretKeyRef) out[v.name] = secretValue(v.name, env);
    else if (v.valueFrom?.fieldRef) out[v.name] = "10.0.0.7"; // status.podIP
  }
  return out;
}

function checkProcess(d: Deployable, serviceName: string, source: Record<string, string>): void {
  if ((WEB_APPS as readonly string[]).includes(d.name))
    return checkWebEnv(d.name as (typeof WEB_APPS)[number], source);
  if (d.name === "identity") {
    loadIdentityEnv(source);
    return;
  }
  if (d.name === "payment-sim") {
    loadSimEnv(source);
    return;
  }
  expect(
    PROCESS_CONFIG[processKind(serviceName)],
    `start-up check of ${serviceName}`,
  ).toBeDefined();
  checkStartupConfig(serviceName, source);
}

describe.each(Object.values(ENVIRONMENTS))(
  "Kubernetes $name: every container's environment passes its process's start-up check",
  (env) => {
    const config = configValues(env);
    it.each(ALL_DEPLOYABLES.map((d) => [d.name, d] as const))("%s", (_name, d) => {
      const serviceName = d.name === "realtime" ? "realtime-1" : d.name;
      const source = resolve(containerEnv(d, env, serviceName), config, env);
      expect(() => checkProcess(d, serviceName, source)).not.toThrow();
    });
    it.each(ALL_DEPLOYABLES.map((d) => [d.name, d] as const))(
      "%s: every TLS variable it is given is required by its start-up check, and names a file of a mounted Secret",
      (_name, d) => {
        const serviceName = d.name === "realtime" ? "realtime-1" : d.name;
        const source = resolve(containerEnv(d, env, serviceName), config, env);
        const given = TLS_VARIABLES.filter((v) => v in source);
        // Every Agora process has a service identity; Redis and etcd clients get their TLS too.
        expect(given).toEqual(expect.arrayContaining(["AGORA_TLS_CA_FILE", "AGORA_TLS_CERT_FILE", "AGORA_TLS_KEY_FILE"]));
        if ("AGORA_REDIS_SENTINELS" in source)
          expect(given).toEqual(expect.arrayContaining(["AGORA_REDIS_TLS_CA_FILE", "AGORA_REDIS_TLS_CERT_FILE", "AGORA_REDIS_TLS_KEY_FILE"]));
        if ("AGORA_ETCD_ENDPOINTS" in source)
          expect(given).toEqual(expect.arrayContaining(["AGORA_ETCD_CA_FILE", "AGORA_ETCD_CERT_FILE", "AGORA_ETCD_KEY_FILE"]));
        // One file missing, or a whole concern's (a pod rendered without its TLS at all).
        const groups = [[...given], ...given.map((v) => [v])];
        for (const group of [...groups, ...Object.values(TLS_GROUPS)]) {
          const missing = group.filter((v) => given.includes(v));
          if (!missing.length) continue;
          const without = Object.fromEntries(Object.entries(source).filter(([k]) => !missing.includes(k as never)));
          expect(() => checkProcess(d, serviceName, without), `${serviceName} without ${missing}`).toThrow(missing[0]);
        }
        const inst = workloadInstances(env).find((i) => i.deployable.name === d.name)!;
        const pod = podTemplate(inst, env, "test").spec!;
        const secretMounts = (pod.containers[0]!.volumeMounts ?? []).filter((m) =>
          pod.volumes?.some((v) => v.name === m.name && v.secret?.secretName),
        );
        for (const name of given)
          expect(
            secretMounts.some((m) => source[name]!.startsWith(`${m.mountPath}/`)),
            `${name}=${source[name]} is in a mounted Secret`,
          ).toBe(true);
      },
    );
    it.each(
      ALL_DEPLOYABLES.filter((d) => (WEB_APPS as readonly string[]).includes(d.name) || d.name === "identity").map(
        (d) => [d.name, d] as const,
      ),
    )(
      "%s signs people in: the clients' Secret and the secrets store are mounted where its start-up check requires them",
      (_name, d) => {
        const source = resolve(containerEnv(d, env, d.name), config, env);
        const inst = workloadInstances(env).find((i) => i.deployable.name === d.name)!;
        const pod = podTemplate(inst, env, "test").spec!;
        const mountOf = (path: string | undefined) => {
          const m = pod.containers[0]!.volumeMounts?.find((x) => x.mountPath === path);
          return { mount: m, volume: pod.volumes?.find((v) => v.name === m?.name) };
        };
        const clients = mountOf(source.AGORA_IDENTITY_CLIENTS_DIR);
        expect(clients.volume?.secret?.secretName, "AGORA_IDENTITY_CLIENTS_DIR is the mounted clients' Secret").toBe(
          "agora-identity-clients",
        );
        expect(clients.volume?.secret?.items?.map((i) => i.path)).toEqual(["secrets.json"]);
        expect(clients.mount?.readOnly).toBe(true);
        expect(mountOf(source.AGORA_SECRETS_DIR).volume?.persistentVolumeClaim?.claimName).toBe("agora-secrets");
        for (const name of ["AGORA_IDENTITY_CLIENTS_DIR", "AGORA_SECRETS_DIR"]) {
          const { [name]: _dropped, ...without } = source;
          expect(() => checkProcess(d, d.name, without), `${d.name} without ${name}`).toThrow(name);
        }
      },
    );
    it("the db-migrate Job", () => {
      expect(() =>
        checkStartupConfig("migrate", resolve(jobEnv(env, "db-migrate"), config, env)),
      ).not.toThrow();
    });
    it.todo(
      "the db-seed Job (its dist/seed.js is not built into the workers image yet: infra/k8s/src/workloads/jobs.ts)",
    );

    /** Every pod that is given database URLs: the deployables with a database, the release Jobs. */
    const databaseClients = [
      ...ALL_DEPLOYABLES.filter((d) => d.env.includes("database")).map((d) => {
        const inst = workloadInstances(env).find((i) => i.deployable.name === d.name)!;
        const pod = podTemplate(inst, env, "test").spec!;
        return { name: d.name, vars: containerEnv(d, env, inst.name), pod };
      }),
      ...(Object.keys(JOB_COMMANDS) as JobKind[]).map((kind) => ({
        name: kind,
        vars: jobEnv(env, kind),
        pod: releaseJob(kind, env, "test").spec!.template.spec!,
      })),
    ];
    const serverCertificates = postgresClusters(env).map((pg) =>
      certificates(env).find(
        (c): c is CertManagerCertificate =>
          c.kind === "Certificate" && c.spec.secretName === pg.spec.tls?.secretName,
      ),
    );
    it.each(databaseClients.map((c) => [c.name, c] as const))(
      "%s: each database URL's CA file is in a mounted Secret, and its host is a name of a Postgres server certificate",
      (_name, { vars, pod }) => {
        const urls = Object.entries(resolve(vars, config, env)).filter(([k]) =>
          /^AGORA_DB_(ADMIN_)?URL_/.test(k),
        );
        expect(urls.length).toBeGreaterThan(0);
        for (const [name, value] of urls) {
          const url = new URL(value);
          expect(url.searchParams.get("sslmode"), name).toBe("verify-full");
          const ca = url.searchParams.get("sslrootcert") ?? "";
          const mount = pod.containers[0]!.volumeMounts?.find((m) => m.mountPath === dirname(ca));
          const secret = pod.volumes?.find((v) => v.name === mount?.name)?.secret;
          expect(secret?.secretName, `${name}: ${ca} is in a mounted Secret`).toBeDefined();
          if (secret?.items) expect(secret.items.map((i) => i.path)).toContain(basename(ca));
          expect(
            serverCertificates.some((c) => c?.spec.dnsNames?.includes(url.hostname)),
            `${name}: ${url.hostname} is verified by a cluster's certificate`,
          ).toBe(true);
        }
      },
    );
  },
);

describe("docs/deploy.md", () => {
  it("builds the database URLs with verify-full and the CA file every pod mounts", () => {
    const doc = readFileSync(new URL("../../docs/deploy.md", import.meta.url), "utf8");
    expect(doc).toContain(DB_URL_TLS);
    expect(doc).not.toMatch(/sslmode=(disable|allow|prefer|require|verify-ca)\b/);
  });
});
