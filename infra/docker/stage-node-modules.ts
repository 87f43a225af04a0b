/**
 * `tsx infra/docker/stage-node-modules.ts <workspace> <context>`: the build context of a bundled
 * Node deployable (workers, payment-sim). Copies `<workspace>/dist`, its package.json (for
 * `"type": "module"`) and the production closure of the packages `dist/externals.json` names —
 * dependencies and installed optional dependencies, resolved the way Node resolves them from the
 * installed tree — to the same paths under `<context>`. No `npm ci`, no registry. Peer
 * dependencies are not followed (they name tools such as the prisma CLI and typescript); a peer
 * needed at run time is itself in externals.json, and the image build imports every external.
 */
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { basename, dirname, join, relative, resolve, sep } from "node:path";
import type { Externals } from "../../scripts/bundle-node.ts";

interface PackageJson {
  name: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

const REPO_ROOT = resolve(import.meta.dirname, "../..");

// Never needed at run time; Prisma ships a query compiler per database, we only talk to Postgres.
const SKIPPED_FILE = /(\.d\.[cm]?ts|\.map|\.md|\.markdown|\.tsbuildinfo)$/i;
const OTHER_DATABASES = /query_(compiler|engine)_.*\.(cockroachdb|mysql|sqlite|sqlserver)\./;

/** Where Node would find `name` when required from a file in `fromDir`. */
function packageDir(name: string, fromDir: string): string | undefined {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const candidate = join(dir, "node_modules", name);
    if (existsSync(join(candidate, "package.json"))) return candidate;
    if (dir === REPO_ROOT || dir === dirname(dir)) return undefined;
  }
}

function keep(path: string, packageRoot: string): boolean {
  const rel = relative(packageRoot, path);
  // A package's own node_modules is staged package by package (only what the closure needs).
  if (rel === "node_modules" || rel.startsWith(`node_modules${sep}`)) return false;
  const name = basename(path);
  if (statSync(path).isDirectory()) return true;
  return !SKIPPED_FILE.test(name) && !OTHER_DATABASES.test(name);
}

export function stageNodeModules(
  workspace: string,
  context: string,
): { packages: number; bytes: number } {
  const externals = JSON.parse(
    readFileSync(join(workspace, "dist/externals.json"), "utf8"),
  ) as Externals;
  const seen = new Set<string>();
  let bytes = 0;
  const visit = (name: string, fromDir: string, optional: boolean): void => {
    const dir = packageDir(name, fromDir);
    if (!dir) {
      if (optional) return;
      throw new Error(`${name} (needed from ${relative(REPO_ROOT, fromDir)}) is not installed`);
    }
    if (seen.has(dir)) return;
    seen.add(dir);
    const target = join(context, relative(REPO_ROOT, dir));
    cpSync(dir, target, { recursive: true, dereference: true, filter: (src) => keep(src, dir) });
    const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as PackageJson;
    if (pkg.name.startsWith("@agora/")) {
      throw new Error(
        `${pkg.name} is a workspace package: bundle it instead of leaving it external`,
      );
    }
    for (const dep of Object.keys(pkg.dependencies ?? {})) visit(dep, dir, false);
    // Platform binaries (sharp's @img/*) are optional: staged when installed here.
    for (const dep of Object.keys(pkg.optionalDependencies ?? {})) visit(dep, dir, true);
  };
  for (const name of externals.packages) visit(name, workspace, false);
  for (const dir of seen) bytes += duBytes(join(context, relative(REPO_ROOT, dir)));
  return { packages: seen.size, bytes };
}

function duBytes(path: string): number {
  const s = statSync(path);
  if (!s.isDirectory()) return s.size;
  let total = 0;
  for (const entry of readdirSync(path)) total += duBytes(join(path, entry));
  return total;
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  const [workspaceArg, contextArg] = process.argv.slice(2);
  if (!workspaceArg || !contextArg) {
    process.stderr.write("usage: stage-node-modules.ts <workspace dir> <context dir>\n");
    process.exit(2);
  }
  const workspace = resolve(workspaceArg);
  const context = resolve(contextArg);
  rmSync(context, { recursive: true, force: true });
  const appDir = join(context, relative(REPO_ROOT, workspace));
  mkdirSync(appDir, { recursive: true });
  cpSync(join(workspace, "dist"), join(appDir, "dist"), { recursive: true });
  writeFileSync(join(appDir, "package.json"), readFileSync(join(workspace, "package.json")));
  // The workers image runs the release Job's migrations (`main.ts migrate`): the SQL files come
  // along, at the path its Containerfile names in AGORA_MIGRATIONS_DIR.
  if (relative(REPO_ROOT, workspace) === join("apps", "workers")) {
    cpSync(join(REPO_ROOT, "packages/db/migrations"), join(context, "packages/db/migrations"), {
      recursive: true,
    });
  }
  const { packages, bytes } = stageNodeModules(workspace, context);
  process.stdout.write(
    `${relative(REPO_ROOT, workspace)}: staged ${packages} packages (${(bytes / 1e6).toFixed(1)} MB) in ${relative(REPO_ROOT, context)}\n`,
  );
}
