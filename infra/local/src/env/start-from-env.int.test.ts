/**
 * Each deployable starts from its environment alone: every process kind of the workers image and
 * the payment simulator is spawned in a fresh empty folder (no `.agora/`, no repository next to
 * it) with only `processEnv(...)` (plus PATH), on free ports beside the running test topology,
 * and must answer 200 on its readiness endpoint. The Next.js apps' answers must also carry the
 * security headers of tools/next-config.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { describe, type ExpectStatic, it } from "vitest";
import { REPO_ROOT, topology } from "../topology.ts";
import { processEnv } from "./process-env.ts";
import { freePort } from "../processes/free-port.ts";

const t = topology("test");
const tsx = import.meta.resolve("tsx");

interface Case {
  /** Process name as the launcher runs it. */
  name: string;
  /** Arguments after `node`, given the process's environment. */
  argv: (env: Record<string, string>) => string[];
  /** Which port carries the readiness endpoint, and its path. */
  probe: "PORT" | "AGORA_METRICS_PORT";
  path: string;
  /** Set when the case cannot run here (an app not built yet). */
  skip?: string;
  /** A Next.js app: its answers must carry the shared security headers (tools/next-config). */
  securityHeaders?: boolean;
}

const ts = (entry: string, args: string[]) => () => [
  "--import",
  tsx,
  join(REPO_ROOT, entry),
  ...args,
];

const workers = (
  name: string,
  kind: string,
  probe: Case["probe"] = "AGORA_METRICS_PORT",
  path = "/readyz",
): Case => ({
  name,
  argv: ts("apps/workers/src/main.ts", [kind]),
  probe,
  path,
});

/** A built Next.js app, served by `next start <app folder>` from the empty folder. */
const nextApp = (name: string, dir: string): Case => {
  const app = join(REPO_ROOT, dir);
  return {
    name,
    argv: (env) => [
      join(REPO_ROOT, "node_modules/next/dist/bin/next"),
      "start",
      app,
      "-p",
      env.PORT ?? "",
      "-H",
      env.HOST ?? "",
    ],
    probe: "PORT",
    path: "/readyz",
    securityHeaders: true,
    // `npm test` builds the apps before Vitest runs; a bare `vitest run` may not have.
    skip: existsSync(join(app, ".next", "BUILD_ID"))
      ? undefined
      : `${dir} is not built (npm run build)`,
  };
};

const CASES: Case[] = [
  workers("workers-sagas", "sagas"),
  workers("workers-payments", "payments"),
  workers("workers-notifications", "notifications"),
  workers("workers-imports", "imports"),
  workers("workers-analytics", "analytics"),
  workers("workers-maintenance", "maintenance"),
  workers("outbox-relay", "outbox-relay"),
  workers("workers-projections", "projections"),
  workers("realtime-1", "realtime-1"),
  workers("telemetry-collector", "telemetry-collector", "PORT"),
  // The media origin has no dependencies to be ready for: its liveness is its readiness.
  workers("media-origin", "media-origin", "PORT", "/healthz"),
  {
    name: "payment-sim",
    argv: ts("apps/payment-sim/src/main.ts", []),
    probe: "PORT",
    path: "/readyz",
  },
  nextApp("storefront-1", "apps/storefront"),
  nextApp("vendor-portal", "apps/vendor-portal"),
  nextApp("ops-console", "apps/ops-console"),
];

for (const c of CASES.filter((x) => x.skip))
  process.stdout.write(`[start-from-env] SKIPPED ${c.name}: ${c.skip}\n`);

/** A process of this test: spawned in its own empty folder, stopped and removed afterwards. */
interface Started {
  child: ChildProcess;
  output: () => string;
  stop: () => Promise<void>;
}

function startIn(argv: string[], env: Record<string, string>): Started {
  const dir = mkdtempSync(join(tmpdir(), "agora-from-env-"));
  let output = "";
  const child = spawn(process.execPath, argv, { cwd: dir, env, stdio: ["ignore", "pipe", "pipe"] });
  child.stdout?.on("data", (b: Buffer) => (output += b.toString()));
  child.stderr?.on("data", (b: Buffer) => (output += b.toString()));
  return {
    child,
    output: () => output,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once("exit", r));
        child.kill("SIGTERM");
        await Promise.race([exited, sleep(10_000)]);
        if (child.exitCode === null) child.kill("SIGKILL");
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The built app's own answers carry the shared headers; HSTS only when the edge says HTTPS. */
async function expectSecurityHeaders(url: string, expect: ExpectStatic): Promise<void> {
  const plain = await fetch(url, { signal: AbortSignal.timeout(5_000) });
  expect(plain.headers.get("content-security-policy")).toMatch(/frame-ancestors 'none'/);
  expect(plain.headers.get("x-frame-options")).toBe("DENY");
  expect(plain.headers.get("x-content-type-options")).toBe("nosniff");
  expect(plain.headers.get("referrer-policy")).toBe("strict-origin-when-cross-origin");
  expect(plain.headers.get("permissions-policy")).toMatch(/camera=\(\)/);
  expect(plain.headers.get("strict-transport-security")).toBeNull();
  const https = await fetch(url, {
    headers: { "x-forwarded-proto": "https" },
    signal: AbortSignal.timeout(5_000),
  });
  expect(https.headers.get("strict-transport-security")).toMatch(/max-age=\d+/);
}

const basePath = { PATH: process.env.PATH ?? "/usr/bin:/bin" };

// Concurrent: each case has its own ports and folder; one after another they took about a minute.
describe.concurrent("every deployable starts from its environment alone", () => {
  it.for(CASES)(
    "$name answers $path from an empty folder with only its env",
    { timeout: 180_000 },
    async (c, ctx) => {
      if (c.skip) ctx.skip(c.skip);
      const override: Record<string, string> = { PORT: String(await freePort()) };
      if (processEnv(t, c.name).AGORA_METRICS_PORT)
        override.AGORA_METRICS_PORT = String(await freePort());
      // The mutual-TLS ports (the collector's query API, the simulator's API) on free ports too.
      if (processEnv(t, c.name).AGORA_TELEMETRY_QUERY_PORT)
        override.AGORA_TELEMETRY_QUERY_PORT = String(await freePort());
      if (processEnv(t, c.name).PAYMENT_SIM_TLS_PORT) override.PAYMENT_SIM_TLS_PORT = String(await freePort());
      // Own election names: the test must not take over the topology's relay or live pushes.
      if (c.name === "outbox-relay") override.OUTBOX_RELAY_NAME = "outbox-relay-start-from-env";
      if (c.name.startsWith("realtime-"))
        override.REALTIME_PUSH_ELECTION = "live-push-start-from-env";
      const env = { ...processEnv(t, c.name, { override }), ...basePath };
      const p = startIn(c.argv(env), env);
      try {
        const url = `http://127.0.0.1:${override[c.probe]}${c.path}`;
        const deadline = Date.now() + 150_000;
        let status = 0;
        while (Date.now() < deadline && p.child.exitCode === null) {
          status = await fetch(url, { signal: AbortSignal.timeout(2_000) }).then(
            (r) => r.status,
            () => 0,
          );
          if (status === 200) break;
          await sleep(300);
        }
        ctx
          .expect(status, `${c.name} did not become ready; its output:\n${p.output().slice(-3000)}`)
          .toBe(200);
        if (c.securityHeaders) await expectSecurityHeaders(url, ctx.expect);
      } finally {
        await p.stop();
      }
    },
  );

  it("the release Job's migrate runs from an empty folder with only its env, and is a no-op on a migrated topology", async ({
    expect,
  }) => {
    const p = startIn(["--import", tsx, join(REPO_ROOT, "apps/workers/src/main.ts"), "migrate"], {
      ...processEnv(t, "db-migrate"),
      ...basePath,
    });
    try {
      const code = await new Promise<number | null>((r) => p.child.once("exit", r));
      expect(code, p.output()).toBe(0);
      for (const cluster of t.clusters)
        expect(p.output()).toMatch(new RegExp(`${cluster.name}\\b.*up to date`));
    } finally {
      await p.stop();
    }
  }, 180_000);

  it("a process without its database settings stops at once, naming them", async ({ expect }) => {
    const p = startIn(
      ["--import", tsx, join(REPO_ROOT, "apps/workers/src/main.ts"), "migrate"],
      basePath,
    );
    try {
      const code = await new Promise<number | null>((r) => p.child.once("exit", r));
      expect(code).toBe(1);
      expect(p.output()).toMatch(/AGORA_DB_ADMIN_URL_CORE/);
      expect(p.output()).toMatch(/AGORA_DB_APP_PASSWORD/);
    } finally {
      await p.stop();
    }
  }, 180_000);
});
