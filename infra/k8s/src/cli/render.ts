/**
 * `npm run k8s:render -- --env <staging|production|all> [--version <tag>] [--out <dir>]`
 * Writes rendered/<env>/*.yaml, after validating every document and checking the policies; any
 * finding fails the command and nothing is written.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { ENVIRONMENT_NAMES, type EnvironmentName, environment } from "../environments.ts";
import { defaultVersion } from "../images.ts";
import { checkPolicies } from "../policies/index.ts";
import { allDocuments, renderEnvironment, toYaml } from "../render.ts";
import { validateDocuments } from "../validation/validate.ts";

const packageRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

const { values } = parseArgs({
  options: {
    env: { type: "string" },
    version: { type: "string" },
    out: { type: "string", default: join(packageRoot, "rendered") },
  },
});

if (!values.env) {
  process.stderr.write(`--env is required (${[...ENVIRONMENT_NAMES, "all"].join(" | ")})\n`);
  process.exit(2);
}
const names: EnvironmentName[] =
  values.env === "all" ? [...ENVIRONMENT_NAMES] : [environment(values.env).name];
const version = values.version ?? defaultVersion();

let failed = false;
for (const name of names) {
  const files = renderEnvironment(name, { version });
  const docs = allDocuments(files);
  const findings = [
    ...validateDocuments(docs).map((e) => `invalid ${e.document}: ${e.message}`),
    ...checkPolicies(docs).map((v) => `policy ${v.policy} ${v.document}: ${v.message}`),
  ];
  if (findings.length) {
    failed = true;
    process.stderr.write(
      `${name}: ${findings.length} finding(s)\n${findings.map((f) => `  ${f}`).join("\n")}\n`,
    );
    continue;
  }
  const dir = join(values.out, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const f of files) writeFileSync(join(dir, f.file), toYaml(f));
  process.stdout.write(
    `${name}: ${docs.length} documents in ${files.length} files → ${dir} (images :${version})\n`,
  );
}
process.exit(failed ? 1 : 0);
