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
  from: "bundle" | "sources";
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

/** What a bundle of `workspace` may contain: its own sources and every workspace package's. */
function newestSource(workspace: string): number {
  const packages = join(REPO_ROOT, "packages");
  return Math.max(
    newestUnder(join(REPO_ROOT, workspace, "src")),
    statSync(join(REPO_ROOT, "scripts", "bundle-node.ts")).mtimeMs,
    ...readdirSync(packages).map((p) => newestUnder(join(packages, p, "src"))),
  );
}

const cache = new Map<string, NodeEntry>();

/** `workspace` is relative to the repository root, e.g. `apps/workers`. */
export function nodeEntry(workspace: string): NodeEntry {
  const known = cache.get(workspace);
  if (known) return known;
  const bundle = join(REPO_ROOT, workspace, "dist", "main.js");
  const sources = join(REPO_ROOT, workspace, "src", "main.ts");
  const fresh =
    process.env.AGORA_RUN_FROM_SOURCES !== "1" &&
    existsSync(bundle) &&
    statSync(bundle).mtimeMs >= newestSource(workspace);
  const entry: NodeEntry = fresh
    ? { args: [bundle], match: `${workspace}/dist/main.js`, from: "bundle" }
    : { args: ["--import", "tsx", sources], match: `${workspace}/src/main.ts`, from: "sources" };
  cache.set(workspace, entry);
  return entry;
}
