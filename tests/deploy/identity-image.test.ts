/**
 * Sign-in on a cluster needs the provider's login page to look like the apps, and the identity
 * image carries no workspace theme or Tailwind sources: its build writes the compiled stylesheet
 * beside the bundle, and the provider serves that file. If the build stops writing it, or the
 * provider stops reading it, the first sign-in on a cluster fails to start the provider.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { pageStyles, STYLESHEET_FILE, writePageStylesheet } from "../../apps/identity/src/pages/styles.ts";

const identity = join(import.meta.dirname, "../../apps/identity");

describe("the identity image's login stylesheet", () => {
  it("is written into dist by the build that the image copies", () => {
    const pkg = JSON.parse(readFileSync(join(identity, "package.json"), "utf8")) as { scripts: Record<string, string> };
    const steps = pkg.scripts.build!.split("&&").map((s) => s.trim());
    expect(steps[0]).toMatch(/bundle-node\.ts$/);
    // After bundling: bundle-node empties dist first.
    expect(steps.at(-1)).toBe("tsx src/pages/write-stylesheet.ts dist");
    const stage = readFileSync(join(import.meta.dirname, "../../infra/docker/stage-node-modules.ts"), "utf8");
    expect(stage).toContain('cpSync(join(workspace, "dist"), join(appDir, "dist")');
  });

  it("holds the classes the sign-in page renders", async () => {
    const file = await writePageStylesheet(mkdtempSync(join(tmpdir(), "agora-identity-dist-")));
    expect(file.endsWith(`/${STYLESHEET_FILE}`)).toBe(true);
    const css = readFileSync(file, "utf8");
    expect(css.length).toBeGreaterThan(1000);
    expect(css).toMatch(/\.rounded/);
  }, 60_000);

  it("is what the provider serves when it is beside the bundle, without compiling anything", async () => {
    const dir = mkdtempSync(join(tmpdir(), "agora-identity-dist-"));
    writeFileSync(join(dir, STYLESHEET_FILE), "/* built */ .x{}");
    expect(await pageStyles(pathToFileURL(join(dir, STYLESHEET_FILE)))).toBe("/* built */ .x{}");
    const main = readFileSync(join(identity, "src/main.ts"), "utf8");
    expect(main).toContain("pageStyles(new URL(`./${STYLESHEET_FILE}`, import.meta.url))");
  });
});
