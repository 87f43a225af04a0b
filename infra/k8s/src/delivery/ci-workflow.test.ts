import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "../../../..");

interface Step {
  run?: string;
  uses?: string;
}
interface Job {
  needs?: string | string[];
  environment?: string | { name: string };
  steps: Step[];
}
interface Workflow {
  jobs: Record<string, Job>;
}

const workflow = parse(readFileSync(resolve(repo, ".github/workflows/ci.yml"), "utf8")) as Workflow;
const job = (name: string): Job => {
  const j = workflow.jobs[name];
  if (!j) throw new Error(`no job ${name}`);
  return j;
};
const needs = (name: string): string[] => {
  const n = job(name).needs ?? [];
  return typeof n === "string" ? [n] : n;
};
const runs = (name: string) => job(name).steps.flatMap((s) => (s.run ? [s.run.trim()] : []));

/** Every job that must finish before `name`, transitively. */
function upstream(name: string, seen = new Set<string>()): Set<string> {
  for (const n of needs(name)) {
    if (!seen.has(n)) {
      seen.add(n);
      upstream(n, seen);
    }
  }
  return seen;
}

describe(".github/workflows/ci.yml", () => {
  it("tests with the same entry point as .ci/run, which runs npm test", () => {
    expect(readFileSync(resolve(repo, ".ci/run"), "utf8")).toMatch(/^npm test$/m);
    expect(runs("test")).toEqual(["bash .ci/run"]);
  });

  it("builds images and renders both environments' manifests only after the tests pass", () => {
    expect(needs("images")).toEqual(["test"]);
    expect(runs("images")).toContain("npm run images:build");
    expect(needs("manifests")).toEqual(["test"]);
    expect(runs("manifests")).toEqual(
      expect.arrayContaining([
        "npm run k8s:render -- --env staging",
        "npm run k8s:render -- --env production",
      ]),
    );
  });

  it("deploys staging after test, images and manifests, then production after staging", () => {
    expect(needs("deploy-staging")).toEqual(
      expect.arrayContaining(["test", "images", "manifests"]),
    );
    expect(needs("deploy-production")).toContain("deploy-staging");
    expect([...upstream("deploy-production")].sort()).toEqual([
      "deploy-staging",
      "images",
      "manifests",
      "test",
    ]);
  });

  it.each([
    ["deploy-staging", "staging"],
    ["deploy-production", "production"],
  ])(
    "%s runs in the protected %s environment and applies the rendered manifests with kubectl",
    (name, env) => {
      const e = job(name).environment;
      expect(typeof e === "string" ? e : e?.name).toBe(env);
      const script = runs(name).join("\n");
      expect(script).toMatch(/kubectl apply -f "\$DIR\/\$f\.yaml"/);
      expect(script).toMatch(/30-migrate-job\.yaml/);
      // The migration Job must complete before the new workloads are applied.
      expect(script.indexOf("db-migrate")).toBeLessThan(script.indexOf("40-workloads"));
    },
  );
});

describe(".gitlab-ci.yml", () => {
  interface GitlabJob {
    needs?: string[];
    script?: (string | string[])[];
    environment?: { name: string };
    rules?: { when?: string }[];
  }
  const gitlab = parse(readFileSync(resolve(repo, ".gitlab-ci.yml"), "utf8"), {
    merge: true,
  }) as Record<string, GitlabJob>;
  const glJob = (name: string): GitlabJob => {
    const j = gitlab[name];
    if (!j) throw new Error(`no GitLab job ${name}`);
    return j;
  };

  it("runs the same test entry point and the same job order as the GitHub workflow", () => {
    expect(glJob("test").script).toEqual(["bash .ci/run"]);
    expect(glJob("images").needs).toEqual(["test"]);
    expect(glJob("manifests").needs).toEqual(["test"]);
    expect(glJob("deploy-staging").needs).toEqual(expect.arrayContaining(needs("deploy-staging")));
    expect(glJob("deploy-production").needs).toEqual(
      expect.arrayContaining(needs("deploy-production")),
    );
  });

  it("deploys production only by hand, into its protected environment", () => {
    expect(glJob("deploy-production").environment?.name).toBe("production");
    expect(glJob("deploy-production").rules?.[0]?.when).toBe("manual");
    expect(glJob("deploy-staging").script?.flat().join("\n")).toMatch(
      /kubectl apply -f "\$DIR\/30-migrate-job\.yaml"/,
    );
  });
});
