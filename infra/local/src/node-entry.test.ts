import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { nodeEntry } from "./node-entry.ts";

const roots: string[] = [];
afterAll(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});

/** A repository with one app whose bundle was written `bundleAfterSourcesS` seconds after its sources (null: no bundle). */
function repo(bundleAfterSourcesS: number | null): string {
  const root = mkdtempSync(join(tmpdir(), "agora-entry-"));
  roots.push(root);
  const file = (path: string, atS: number) => {
    mkdirSync(join(root, path, ".."), { recursive: true });
    writeFileSync(join(root, path), "x");
    utimesSync(join(root, path), atS, atS);
  };
  const t = 1_700_000_000;
  file("scripts/bundle-node.ts", t);
  file("packages/db/src/index.ts", t);
  file("apps/workers/src/main.ts", t);
  if (bundleAfterSourcesS !== null) file("apps/workers/dist/main.js", t + bundleAfterSourcesS);
  return root;
}

describe("nodeEntry", () => {
  it("runs the bundle when it is newer than every source it can contain", () => {
    const root = repo(60);
    expect(nodeEntry("apps/workers", root)).toEqual({
      args: [join(root, "apps/workers/dist/main.js")],
      match: "apps/workers/dist/main.js",
    });
  });

  it("runs the sources through tsx when a source is newer than the bundle, or there is none", () => {
    for (const root of [repo(-60), repo(null)]) {
      expect(nodeEntry("apps/workers", root)).toEqual({
        args: ["--import", "tsx", join(root, "apps/workers/src/main.ts")],
        match: "apps/workers/src/main.ts",
      });
    }
  });
});
