import type { Deployment } from "kubernetes-types/apps/v1";
import { describe, expect, it } from "vitest";
import { SCALING } from "../scaling.ts";
import { ENVIRONMENT_NAMES, ENVIRONMENTS } from "../environments.ts";
import type { Manifest } from "../manifest.ts";
import { allDocuments, renderEnvironment } from "../render.ts";
import { checkConnectionBudget, manifestConnections } from "./connection-budget.ts";

const render = (env: (typeof ENVIRONMENT_NAMES)[number]) =>
  allDocuments(renderEnvironment(env, { version: "abc1234" }));

describe.each(ENVIRONMENT_NAMES)("the %s manifests' Postgres connections", (env) => {
  const docs = render(env);
  const { demand, violations } = manifestConnections(docs);

  it("fit every cluster's max_connections at the autoscalers' maxima, surge included", () => {
    expect(violations).toEqual([]);
    // core and each shard: a primary and a replica.
    expect(demand).toHaveLength(2 * (1 + ENVIRONMENTS[env].shards.length));
    for (const d of demand)
      expect(d.total, `${d.cluster} ${d.member}`).toBeLessThanOrEqual(d.maxConnections);
  });

  it("count the storefront at its HPA maximum plus the canary's surge", () => {
    const core = demand.find((d) => d.cluster === "core" && d.member === "primary");
    const pods = (kind: string) => core?.rows.find((r) => r.kind === kind)?.instances;
    const withSurge = (max: number) => max + Math.ceil(max / 4);
    expect(pods("storefront")).toBe(withSurge(SCALING[env].web.storefront.maxReplicas));
    expect(pods("sagas")).toBe(withSurge(SCALING[env].pools.sagas.maxReplicas));
  });
});

describe("the connection budget policy", () => {
  const sagas = (docs: Manifest[]) => {
    const d = docs.find((x) => x.kind === "Deployment" && x.metadata?.name === "workers-sagas");
    const c = (d as Deployment | undefined)?.spec?.template?.spec?.containers[0];
    if (!c?.env) throw new Error("workers-sagas not rendered");
    return c.env;
  };

  it("reports a pool raised beyond what core's max_connections holds", () => {
    const docs = structuredClone(render("staging"));
    const v = sagas(docs).find((e) => e.name === "AGORA_DB_POOL_MAX_CORE_RW");
    if (!v) throw new Error("no pool max");
    v.value = "40";
    expect(checkConnectionBudget(docs).map((x) => x.document)).toEqual(["postgresql/agora-core"]);
  });

  it("reports a database client whose kind has no budget entry", () => {
    const docs = structuredClone(render("staging"));
    const name = sagas(docs).find((e) => e.name === "AGORA_SERVICE_NAME");
    if (!name) throw new Error("no service name");
    name.value = "workers-search-indexer";
    expect(checkConnectionBudget(docs).map((x) => x.message)).toEqual([
      "workers-search-indexer connects to Postgres but has no entry in the connection budget",
    ]);
  });

  it("reports a database client given no pool size", () => {
    const docs = structuredClone(render("staging"));
    const env = sagas(docs);
    env.splice(
      env.findIndex((e) => e.name === "AGORA_DB_POOL_MAX_SHARD_RO"),
      1,
    );
    expect(checkConnectionBudget(docs).map((x) => x.document)).toEqual([
      "Deployment/workers-sagas",
    ]);
  });
});
