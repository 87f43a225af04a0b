/**
 * How a Node service of the topology starts: from its compiled bundle (`<workspace>/dist/main.js`,
 * written by `scripts/bundle-node.ts`, which `npm start`, `npm test` and the image build run) when
 * that bundle is newer than every source it can contain, else from its TypeScript sources through
 * tsx. A bundle saves each process tsx's compile-on-load (start-up time and ~70 MB of resident
 * memory per worker process); the freshness check keeps a developer who edited a source without
 * rebuilding from running yesterday's code.
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "./topology.ts";

export interface NodeEntry {
  /** Arguments to `node` before the service's own. */
  args: string[];
  /** Substring of the command line that identifies the process. */
  match: string;
}

/** Newest modification time (ms) under `dir`, `node_modules`, `dist` and `.next` left out. */
function newestUnder(dir: string): number {
  let newest = 0;
  if (!existsSync(dir)) return newest;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === "node_modules" || entry.name === "dist" || entry.name.startsWith(".next"))
      continue;
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestUnder(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** Newest source shared by every bundle: the workspace packages and the bundler script. */
function newestShared(root: string): number {
  const packages = join(root, "packages");
  return Math.max(
    statSync(join(root, "scripts", "bundle-node.ts")).mtimeMs,
    ...readdirSync(packages).map((p) => newestUnder(join(packages, p, "src"))),
  );
}

const cache = new Map<string, NodeEntry>();
const sharedOf = new Map<string, number>();

/**
 * `workspace` is relative to the repository root, e.g. `apps/workers`. The answer is computed
 * once per workspace and process (the shared packages are walked once for all workspaces).
 */
export function nodeEntry(workspace: string, root = REPO_ROOT): NodeEntry {
  const key = join(root, workspace);
  const known = cache.get(key);
  if (known) return known;
  const bundle = join(root, workspace, "dist", "main.js");
  const sources = join(root, workspace, "src", "main.ts");
  const newestSource = () => {
    if (!sharedOf.has(root)) sharedOf.set(root, newestShared(root));
    return Math.max(sharedOf.get(root) ?? 0, newestUnder(join(root, workspace, "src")));
  };
  const fresh =
    process.env.AGORA_RUN_FROM_SOURCES !== "1" &&
    existsSync(bundle) &&
    statSync(bundle).mtimeMs >= newestSource();
  const entry: NodeEntry = fresh
    ? { args: [bundle], match: `${workspace}/dist/main.js` }
    : { args: ["--import", "tsx", sources], match: `${workspace}/src/main.ts` };
  cache.set(key, entry);
  return entry;
}
