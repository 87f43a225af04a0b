import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const file = join(root, "docs/CONCEPTS.md");
const requiredFile = join(root, "docs/required-concepts.md");

const LINK = /\]\(([^)#\s]+)(?:#[^)]*)?\)/g;
const PLANNED = /^Not built yet\b/;

interface Row {
  title: string;
  requirement: string;
  code: string;
  proof: string;
  where: string;
  line: string;
}

function conceptRows(text: string): Row[] {
  return text
    .split("\n")
    .filter((l) => l.startsWith("| ") && !l.startsWith("| Concept") && !l.startsWith("|---"))
    .map((line) => {
      const cells = line.split("|").map((c) => c.trim());
      return {
        title: cells[1] ?? "",
        requirement: cells[2] ?? "",
        code: cells[3] ?? "",
        proof: cells[4] ?? "",
        where: cells[5] ?? "",
        line,
      };
    });
}

const relativeLinks = (cell: string) =>
  [...cell.matchAll(LINK)].map((m) => m[1] as string).filter((l) => !/^[a-z]+:/.test(l));

interface RequiredConcept {
  requirement: string;
  concept: string;
  rows: string[];
}

/** `## <requirement>` headings, then `- <concept> → <row title>; <row title>` items. */
function requiredConcepts(text: string): RequiredConcept[] {
  const out: RequiredConcept[] = [];
  let requirement = "";
  for (const line of text.split("\n")) {
    if (line.startsWith("## ")) requirement = line.slice(3).trim();
    else if (line.startsWith("- ") && requirement) {
      // The first arrow separates the concept from its rows (a row title may contain one).
      const item = line.slice(2);
      const arrow = item.indexOf(" → ");
      const concept = arrow < 0 ? item : item.slice(0, arrow);
      const rows = arrow < 0 ? "" : item.slice(arrow + 3);
      out.push({
        requirement,
        concept: concept.trim(),
        rows: rows
          .split(";")
          .map((r) => r.trim())
          .filter(Boolean),
      });
    }
  }
  return out;
}

describe("docs/CONCEPTS.md", () => {
  const text = readFileSync(file, "utf8");
  const links = relativeLinks(text);
  const rows = conceptRows(text);
  const planned = rows.filter((r) => PLANNED.test(r.code));
  const built = rows.filter((r) => !PLANNED.test(r.code));

  it("links only to files that exist", () => {
    expect(links.length).toBeGreaterThan(10);
    const missing = links.filter((l) => !existsSync(resolve(dirname(file), l)));
    expect(missing).toEqual([]);
  });

  it("has one row per concept title", () => {
    const titles = rows.map((r) => r.title);
    expect(titles.filter((t, i) => titles.indexOf(t) !== i)).toEqual([]);
  });

  it("links code and names a proof (test file) for every built concept", () => {
    expect(built.length).toBeGreaterThan(5);
    for (const row of built) {
      expect(row.proof, row.line).toMatch(/\.test\.ts\)/);
      const code = relativeLinks(row.code).filter((l) => !l.endsWith(".md"));
      expect(code.length, `${row.title}: no link to code`).toBeGreaterThan(0);
    }
  });

  it("links no code and no test for a concept not built yet, and names its open issue", () => {
    for (const row of planned) {
      expect(row.code, row.title).toMatch(/#\d+/);
      expect(relativeLinks(row.code), `${row.title}: code column`).toEqual([]);
      expect(relativeLinks(row.proof), `${row.title}: proof column`).toEqual([]);
      expect(row.line, row.title).not.toMatch(/\.test\.ts|\.spec\.ts/);
    }
    console.info(
      `Concepts not built yet (${planned.length}):\n` +
        planned.map((r) => `  - ${r.title}: ${r.code}`).join("\n"),
    );
  });
});

describe("docs/required-concepts.md", () => {
  const required = requiredConcepts(readFileSync(requiredFile, "utf8"));
  const titles = new Set(conceptRows(readFileSync(file, "utf8")).map((r) => r.title));

  it("lists the concepts of the twelve requirements and the ones also named", () => {
    const requirements = new Set(required.map((c) => c.requirement));
    expect(requirements.size).toBe(13);
    expect(required.length).toBeGreaterThan(50);
  });

  it("names the CONCEPTS row(s) covering each concept", () => {
    const unmapped = required.filter((c) => c.rows.length === 0).map((c) => c.concept);
    expect(unmapped).toEqual([]);
  });

  it("is covered by CONCEPTS.md: every row a concept names exists", () => {
    const missing = required.flatMap((c) =>
      c.rows.filter((t) => !titles.has(t)).map((t) => `${c.requirement} / ${c.concept} → ${t}`),
    );
    expect(missing).toEqual([]);
  });
});
