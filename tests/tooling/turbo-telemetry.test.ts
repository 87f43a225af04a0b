/**
 * Turborepo prints a telemetry notice (and phones home) on a machine it has not seen, unless
 * TURBO_TELEMETRY_DISABLED is set for that invocation. Every way the product runs turbo — npm
 * scripts, `npm start`, the CI entry point and the pipelines — must set it.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "..", "..");
const read = (path: string) => readFileSync(join(root, path), "utf8");

describe("Turborepo telemetry", () => {
  it("is off in every npm script that runs turbo", () => {
    const scripts = (JSON.parse(read("package.json")) as { scripts: Record<string, string> }).scripts;
    const turboScripts = Object.entries(scripts).filter(([, cmd]) => /(^|[\s;&|])turbo\s/.test(cmd));
    expect(turboScripts.length).toBeGreaterThan(0);
    for (const [name, cmd] of turboScripts) {
      // Each `turbo` in the command line must be preceded by the variable on that command.
      for (const part of cmd.split(/&&|\|\||;/).filter((p) => /(^|\s)turbo\s/.test(p))) {
        expect(part, `script "${name}"`).toMatch(/TURBO_TELEMETRY_DISABLED=1\s+turbo\s/);
      }
    }
  });

  it("is off when npm start builds the apps", () => {
    expect(read("infra/local/src/cli/start.ts")).toMatch(/bin\("turbo"\)[^\n]*TURBO_TELEMETRY_DISABLED: "1"/);
  });

  it("is off for the whole CI entry point and both pipelines", () => {
    expect(read(".ci/run")).toMatch(/^export [^\n]*TURBO_TELEMETRY_DISABLED=1/m);
    // Workflow-level env reaches every job and step.
    expect(read(".github/workflows/ci.yml")).toMatch(/^env:\n(?:\s+[A-Z_]+: "?\w+"?\n)*\s+TURBO_TELEMETRY_DISABLED: "1"/m);
    expect(read(".gitlab-ci.yml")).toMatch(/^variables:\n(?:\s+[A-Z_]+: "?\w+"?\n)*\s+TURBO_TELEMETRY_DISABLED: "1"/m);
  });
});
