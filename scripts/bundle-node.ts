/**
 * `tsx scripts/bundle-node.ts` (run from a workspace: apps/workers, apps/payment-sim): compiles
 * `src/main.ts` and everything it imports from the workspace into plain ESM under `dist/`, so
 * containers run `node dist/main.js <process>` without tsx.
 *
 * Tracing must be on before pg, ioredis and node:http load. A single ESM file cannot promise
 * that (every external `import` is hoisted above the bundle's code), so the entry is two steps:
 * `dist/main.js` imports `dist/telemetry.js` (src/telemetry.ts: starts tracing), then
 * `dist/app.js` (src/main.ts). Code splitting keeps one copy of each module shared by both.
 *
 * Packages in EXTERNAL stay plain `node_modules` imports (native code, files read beside their
 * sources, `require` hooks, one shared instance); the ones the bundle really imports are written
 * to `dist/externals.json` for the image build (infra/docker/stage-node-modules.ts).
 */
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { join, resolve } from "node:path";
import { build, type Metafile } from "esbuild";

/** Left to Node's resolver at run time; a name also covers its subpaths (`@prisma/client/runtime/…`). */
export const EXTERNAL = [
  // Native addons, and drivers whose module instances the OpenTelemetry instrumentations patch.
  "sharp",
  "argon2",
  "pg",
  "pg-native",
  "ioredis",
  "bullmq",
  // Prisma's runtime loads its query compiler (WebAssembly) from its own package.
  "@prisma/client",
  "@prisma/adapter-pg",
  "@prisma/instrumentation",
  // Instrumentations hook `require`: the patched modules and the hooks must be the real packages.
  "@opentelemetry/*",
  "@sentry/node",
  // Read files beside their sources at run time (.proto definitions, the served client bundle).
  "etcd3",
  "@grpc/grpc-js",
  "@grpc/proto-loader",
  "grpc-health-check",
  "socket.io",
  "@socket.io/redis-adapter",
  // Worker-thread transports are resolved by file name.
  "pino",
];

const ENTRY = "src/main.ts";
const TELEMETRY = "src/telemetry.ts";
const OUT_DIR = "dist";

/** `@scope/name/sub/path` → `@scope/name`; `name/sub` → `name`. */
function packageName(specifier: string): string {
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : (parts[0] ?? specifier);
}

const builtins = new Set(builtinModules);
const isBuiltin = (specifier: string) =>
  specifier.startsWith("node:") || builtins.has(packageName(specifier));

/** `dist/externals.json`: what the output really imports from node_modules (not merely EXTERNAL). */
export interface Externals {
  /** Package names, for staging their node_modules. */
  packages: string[];
  /** The import specifiers themselves (`@prisma/client/runtime/client`), for a load check. */
  imports: string[];
}

function importedExternals(metafile: Metafile): Externals {
  const imports = new Set<string>();
  for (const output of Object.values(metafile.outputs)) {
    for (const imp of output.imports) {
      if (imp.external && !imp.path.startsWith(".") && !isBuiltin(imp.path)) imports.add(imp.path);
    }
  }
  const sorted = [...imports].sort();
  return { packages: [...new Set(sorted.map(packageName))].sort(), imports: sorted };
}

/**
 * The `.proto` contracts of the workspace packages the bundle contains, to `dist/proto/` (gRPC
 * loads them at run time; a bundle has no package folders to find them in).
 */
function copyProtos(workspaceDir: string, outDir: string, metafile: Metafile): void {
  const packagesDir = resolve(workspaceDir, "../../packages");
  if (!existsSync(packagesDir)) return;
  const inputs = Object.keys(metafile.inputs).map((p) => resolve(workspaceDir, p));
  for (const pkg of readdirSync(packagesDir)) {
    const protoDir = join(packagesDir, pkg, "proto");
    const bundled = inputs.some((p) => p.startsWith(join(packagesDir, pkg, "src")));
    if (bundled && existsSync(protoDir))
      cpSync(protoDir, join(outDir, "proto"), { recursive: true });
  }
}

async function bundle(workspaceDir: string): Promise<void> {
  const started = Date.now();
  const outDir = join(workspaceDir, OUT_DIR);
  rmSync(outDir, { recursive: true, force: true });
  const hasTelemetry = existsSync(join(workspaceDir, TELEMETRY));
  const result = await build({
    absWorkingDir: workspaceDir,
    entryPoints: hasTelemetry ? { telemetry: TELEMETRY, app: ENTRY } : { app: ENTRY },
    outdir: OUT_DIR,
    chunkNames: "chunks/[name]-[hash]",
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node20",
    sourcemap: "linked",
    // main.js turns source maps on, and Node then reads and parses a chunk's whole map when it
    // loads the chunk, in every process, and keeps it. Stack traces need only the mappings (file
    // and line); the sources' text itself stays in the repository and the image's sources.
    sourcesContent: false,
    legalComments: "none",
    logLevel: "warning",
    metafile: true,
    external: EXTERNAL,
    // CommonJS packages inside the bundle still call require()/__dirname: give each chunk real ones.
    banner: {
      js: [
        'import { createRequire as __agoraCreateRequire } from "node:module";',
        'import { fileURLToPath as __agoraFileURLToPath } from "node:url";',
        "const require = __agoraCreateRequire(import.meta.url);",
        "const __filename = __agoraFileURLToPath(import.meta.url);",
        'const __dirname = __agoraFileURLToPath(new URL(".", import.meta.url));',
      ].join("\n"),
    },
  });
  const metafile = result.metafile;
  if (!metafile) throw new Error("esbuild returned no metafile");
  const steps = hasTelemetry ? ["./telemetry.js", "./app.js"] : ["./app.js"];
  writeFileSync(
    join(outDir, "main.js"),
    [
      `// node dist/main.js [process]: ${hasTelemetry ? "tracing first, then the process" : "the process"}.`,
      "process.setSourceMapsEnabled(true);",
      ...steps.map((s) => `await import(${JSON.stringify(s)});`),
      "",
    ].join("\n"),
  );
  copyProtos(workspaceDir, outDir, metafile);
  const externals = importedExternals(metafile);
  writeFileSync(join(outDir, "externals.json"), `${JSON.stringify(externals, null, 2)}\n`);
  const pkg = JSON.parse(readFileSync(join(workspaceDir, "package.json"), "utf8")) as {
    name: string;
  };
  const bytes = Object.entries(metafile.outputs)
    .filter(([file]) => file.endsWith(".js"))
    .reduce((sum, [, o]) => sum + o.bytes, 0);
  process.stdout.write(
    `${pkg.name}: ${OUT_DIR}/main.js (${(bytes / 1024).toFixed(0)} KiB of JS) in ${Date.now() - started} ms; ` +
      `external at run time: ${externals.packages.join(", ")}\n`,
  );
}

await bundle(resolve(process.argv[2] ?? process.cwd()));
