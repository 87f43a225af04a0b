import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import type { ZalandoPostgresql } from "../data/postgres.ts";
import { validateDocument } from "./validate.ts";

const base = {
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name: "typo" },
  spec: {
    selector: { matchLabels: { app: "typo" } },
    template: {
      metadata: { labels: { app: "typo" } },
      spec: { containers: [{ name: "c", image: "agora/workers:1" }] },
    },
  },
};

describe("schema validation bites", () => {
  it("accepts a minimal valid Deployment", () => {
    expect(validateDocument(base)).toEqual([]);
  }, 60_000);

  it('reports replicas: "two"', () => {
    const errors = validateDocument({
      ...base,
      spec: { ...base.spec, replicas: "two" },
    } as typeof base);
    expect(errors.map((e) => e.message).join()).toMatch(/replicas must be integer/);
  });

  it("reports a container without an image name field of the right type", () => {
    const bad = structuredClone(base) as unknown as {
      spec: { template: { spec: { containers: unknown[] } } };
    };
    bad.spec.template.spec.containers = [{ image: "agora/workers:1" }];
    expect(
      validateDocument(bad as unknown as typeof base)
        .map((e) => e.message)
        .join(),
    ).toMatch(/name/);
  });

  it("reports a kind it has no schema for, instead of passing it", () => {
    expect(
      validateDocument({ apiVersion: "example.com/v1", kind: "Widget", metadata: { name: "w" } }),
    ).toHaveLength(1);
  });

  /** A postgresql resource of `name` with the given spec fields over a minimal valid spec. */
  const postgresql = (name: string, spec: Partial<ZalandoPostgresql["spec"]>): ZalandoPostgresql => ({
    apiVersion: "acid.zalan.do/v1",
    kind: "postgresql",
    metadata: { name },
    spec: { teamId: "agora", numberOfInstances: 3, postgresql: { version: "15" }, volume: { size: "10Gi" }, ...spec },
  });

  it("reports a postgresql cluster without the team prefix, or synchronous with two members", () => {
    const pg = postgresql("core", { numberOfInstances: 2, patroni: { synchronous_mode: true } });
    expect(validateDocument(pg).map((e) => e.message)).toEqual([
      'core: name must start with "agora-"',
      "core: synchronous mode needs 3 members to survive a second failure",
    ]);
  });

  it("reports a postgresql cluster whose TLS key Postgres could not read (no spiloFSGroup)", () => {
    const pg = postgresql("agora-core", { tls: { secretName: "agora-core-tls", caFile: "ca.crt" } });
    expect(validateDocument(pg).map((e) => e.message)).toEqual([
      "agora-core: tls needs spiloFSGroup, or Postgres cannot read the mounted key",
    ]);
    const readable: ZalandoPostgresql = { ...pg, spec: { ...pg.spec, spiloFSGroup: 103 } };
    expect(validateDocument(readable)).toEqual([]);
  });
});

describe("compile-time check (kubernetes-types + tsc --strict)", () => {
  const here = dirname(fileURLToPath(import.meta.url));

  /** Type-checks `source` as if it were a file of this package, without writing it. */
  function typeErrors(source: string): string[] {
    const file = join(here, "__probe__.ts");
    const options: ts.CompilerOptions = {
      strict: true,
      noEmit: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      skipLibCheck: true,
      types: [],
    };
    const host = ts.createCompilerHost(options);
    const read = host.readFile.bind(host);
    const getSourceFile = host.getSourceFile.bind(host);
    host.readFile = (f) => (f === file ? source : read(f));
    host.fileExists = (f) => f === file || ts.sys.fileExists(f);
    host.getSourceFile = (f, lang) =>
      f === file ? ts.createSourceFile(f, source, lang) : getSourceFile(f, lang);
    const program = ts.createProgram([file], options, host);
    return ts
      .getPreEmitDiagnostics(program)
      .filter((d) => d.file?.fileName === file)
      .map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
  }

  it("rejects an unknown field and a mistyped one that schema validation alone lets through", () => {
    const errors = typeErrors(`
      import type { Deployment } from "kubernetes-types/apps/v1";
      export const d: Deployment = {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name: "typo" },
        spec: {
          replicas: "two",
          selector: { matchLabels: { app: "typo" } },
          template: { spec: { containers: [{ name: "c", image: "agora/workers:1", imagePullPolice: "Always" }] } },
        },
      };
    `);
    expect(errors.join("\n")).toMatch(/imagePullPolice/);
    expect(errors.join("\n")).toMatch(/Type 'string' is not assignable to type 'number'/);
  }, 60_000);

  it("accepts the same manifest spelled correctly", () => {
    const errors = typeErrors(`
      import type { Deployment } from "kubernetes-types/apps/v1";
      export const d: Deployment = {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name: "typo" },
        spec: {
          replicas: 2,
          selector: { matchLabels: { app: "typo" } },
          template: { spec: { containers: [{ name: "c", image: "agora/workers:1", imagePullPolicy: "Always" }] } },
        },
      };
    `);
    expect(errors).toEqual([]);
  }, 60_000);
});
