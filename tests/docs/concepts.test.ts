import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const file = join(root, "docs/CONCEPTS.md");

describe("docs/CONCEPTS.md", () => {
  const text = readFileSync(file, "utf8");
  const links = [...text.matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)].map((m) => m[1] as string).filter((l) => !/^[a-z]+:/.test(l));

  it("links only to files that exist", () => {
    expect(links.length).toBeGreaterThan(10);
    const missing = links.filter((l) => !existsSync(resolve(dirname(file), l)));
    expect(missing).toEqual([]);
  });

  it("names a proof (test file) for every concept row", () => {
    const rows = text.split("\n").filter((l) => l.startsWith("| ") && !l.startsWith("| Concept") && !l.startsWith("|---"));
    expect(rows.length).toBeGreaterThan(5);
    for (const row of rows) {
      const proof = row.split("|")[4] ?? "";
      expect(proof, row).toMatch(/\.test\.ts\)/);
    }
  });
});
