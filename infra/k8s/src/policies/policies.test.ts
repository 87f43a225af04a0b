import type { Deployment } from "kubernetes-types/apps/v1";
import type { Secret, Service } from "kubernetes-types/core/v1";
import { describe, expect, it } from "vitest";
import { ENVIRONMENTS } from "../environments.ts";
import type { Manifest } from "../manifest.ts";
import { allDocuments, renderEnvironment } from "../render.ts";
import { POLICIES, checkPolicies } from "./index.ts";

const good = () => allDocuments(renderEnvironment("staging", { version: "abc1234" }));
const clone = <T>(x: T): T => structuredClone(x);

/** The storefront-free copy of a rendered Deployment, to mutate in one way per test. */
function sagas(docs: Manifest[]): Deployment {
  const d = docs.find((x) => x.kind === "Deployment" && x.metadata?.name === "workers-sagas");
  if (!d) throw new Error("workers-sagas not rendered");
  return d as Deployment;
}
const container = (d: Deployment) => {
  const c = d.spec?.template?.spec?.containers[0];
  if (!c) throw new Error("no container");
  return c;
};

describe("policies bite", () => {
  it("report a Deployment without probes", () => {
    const docs = clone(good());
    const c = container(sagas(docs));
    delete c.startupProbe;
    delete c.livenessProbe;
    delete c.readinessProbe;
    const found = POLICIES.probes(docs).map((v) => v.message);
    expect(found).toEqual([
      "container sagas has no startupProbe",
      "container sagas has no livenessProbe",
      "container sagas has no readinessProbe",
    ]);
  });

  it("report an Agora readiness probe that is not /readyz", () => {
    const docs = clone(good());
    const c = container(sagas(docs));
    c.readinessProbe = { tcpSocket: { port: 9090 } };
    expect(POLICIES.probes(docs)).toHaveLength(1);
  });

  it("report a container without limits", () => {
    const docs = clone(good());
    delete container(sagas(docs)).resources?.limits;
    expect(POLICIES.resources(docs).map((v) => v.message)).toEqual([
      "container sagas has no limits.cpu",
      "container sagas has no limits.memory",
    ]);
  });

  it("report a pod that may run as root", () => {
    const docs = clone(good());
    const d = sagas(docs);
    delete d.spec?.template?.spec?.securityContext?.runAsNonRoot;
    delete container(d).securityContext?.runAsNonRoot;
    expect(POLICIES["non-root"](docs)).toHaveLength(1);
  });

  it("report a workload no PodDisruptionBudget selects", () => {
    const docs = clone(good()).filter(
      (d) => !(d.kind === "PodDisruptionBudget" && d.metadata?.name === "workers-sagas"),
    );
    expect(POLICIES["disruption-budget"](docs).map((v) => v.document)).toEqual([
      "Deployment/workers-sagas",
    ]);
  });

  it("report a Service whose pods no NetworkPolicy lets anyone reach", () => {
    const docs = clone(good());
    const orphan: Service = {
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: "orphan", namespace: ENVIRONMENTS.staging.namespace },
      spec: { selector: { "app.kubernetes.io/name": "orphan" }, ports: [{ port: 80 }] },
    };
    const d = clone(sagas(docs));
    d.metadata = { ...d.metadata, name: "orphan" };
    d.spec!.selector = { matchLabels: { "app.kubernetes.io/name": "orphan" } };
    d.spec!.template!.metadata = { labels: { "app.kubernetes.io/name": "orphan" } };
    expect(POLICIES.network([...docs, orphan, d]).map((v) => v.document)).toEqual([
      "Service/orphan",
    ]);
  });

  it("report a namespace without a default-deny policy", () => {
    const docs = clone(good()).filter((d) => d.metadata?.name !== "default-deny");
    expect(POLICIES.network(docs).map((v) => v.message)).toContain("no default-deny NetworkPolicy");
  });

  it("report a Secret with literal data", () => {
    const secret: Secret = {
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: "leak" },
      stringData: { NEXTAUTH_SECRET: "x" },
    };
    expect(POLICIES.secrets([...good(), secret]).map((v) => v.document)).toEqual(["Secret/leak"]);
  });

  it("report an image on :latest or without a tag", () => {
    const docs = clone(good());
    container(sagas(docs)).image = "agora/workers:latest";
    expect(POLICIES["image-tag"](docs)).toHaveLength(1);
    container(sagas(docs)).image = "agora/workers";
    expect(POLICIES["image-tag"](docs)).toHaveLength(1);
  });

  it("report a variable outside the env table, and a secret given as a literal", () => {
    const docs = clone(good());
    container(sagas(docs)).env?.push(
      { name: "DATABASE_URL", value: "postgres://x" },
      { name: "AGORA_INVITATION_SECRET", value: "literal" },
    );
    expect(POLICIES.env(docs).map((v) => v.message)).toEqual([
      "container sagas reads DATABASE_URL, which is not in the env table",
      "container sagas: AGORA_INVITATION_SECRET must come from a Secret",
    ]);
  });

  it("report two objects of the same kind and name", () => {
    const docs = clone(good());
    expect(POLICIES["unique-names"]([...docs, clone(sagas(docs))]).map((v) => v.document)).toEqual([
      "Deployment/workers-sagas",
    ]);
  });

  it("find nothing in the rendered environment", () => {
    expect(checkPolicies(good())).toEqual([]);
  });
});
