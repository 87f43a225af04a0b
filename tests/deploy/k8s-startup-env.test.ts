/**
 * Every process the Kubernetes generator deploys starts with the environment it is given: each
 * container's variables (ConfigMap values as rendered, Secret keys as the operator creates them)
 * pass the same start-up check the process runs on itself (`@agora/config` schemas through the
 * app's or worker's own loader). A variable a process requires but its deployable's env groups do
 * not deliver is a pod that crash-loops on its first start; this test is where that shows.
 */
import { randomBytes } from "node:crypto";
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
import { ALL_DEPLOYABLES, type Deployable, WEB_APPS } from "../../infra/k8s/src/deployables.ts";
import { ENVIRONMENTS } from "../../infra/k8s/src/environments.ts";
import { jobEnv } from "../../infra/k8s/src/workloads/jobs.ts";

/** A value of the shape the operator's Secret holds for `name` (docs/deploy.md). */
function secretValue(name: string): string {
  const db = /^AGORA_DB_(ADMIN_)?URL_([A-Z0-9_]+?)(_RW|_RO)?$/.exec(name);
  if (db) {
    const host = `${(db[2] as string).toLowerCase().replace(/_/g, "-")}${db[3] === "_RO" ? "-ro" : "-rw"}.agora.svc`;
    return `postgresql://${db[1] ? "postgres" : "agora"}:${randomBytes(12).toString("hex")}@${host}:5432/agora?sslmode=verify-full`;
  }
  return randomBytes(32).toString("base64url");
}

function resolve(vars: EnvVar[], config: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const v of vars) {
    if (v.value !== undefined) out[v.name] = v.value;
    else if (v.valueFrom?.configMapKeyRef) {
      const value = config[v.valueFrom.configMapKeyRef.key];
      if (value !== undefined) out[v.name] = value;
    } else if (v.valueFrom?.secretKeyRef) out[v.name] = secretValue(v.name);
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
      const source = resolve(containerEnv(d, env, serviceName), config);
      expect(() => checkProcess(d, serviceName, source)).not.toThrow();
    });
    it("the db-migrate Job", () => {
      expect(() =>
        checkStartupConfig("migrate", resolve(jobEnv(env, "db-migrate"), config)),
      ).not.toThrow();
    });
    it.todo(
      "the db-seed Job (its dist/seed.js is not built into the workers image yet: infra/k8s/src/workloads/jobs.ts)",
    );
  },
);
