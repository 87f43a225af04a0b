/**
 * The storefront image (`npm run images:build -- storefront`) against the topology the suite
 * starts: `podman run --network host`, then `podman kube play` of a Deployment. Skipped, with the
 * reason printed, where podman or the image is missing.
 */
import { spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeAll, core } from "@agora/db";
import { seed } from "@agora/db/seed";
import { processEnv } from "@agora/infra-local/env";
import { topology, type Topology } from "@agora/infra-local/topology";
import { freePort } from "@agora/infra-local/processes";

const IMAGE = "localhost/agora/storefront:latest";
const APP_UID = 10001; // USER of every Agora image
const CONTAINERS_CONF = resolve(import.meta.dirname, "containers.conf");

function podman(args: string[]): { ok: boolean; out: string; stdout: string } {
  const r = spawnSync("podman", args, {
    encoding: "utf8",
    env: { ...process.env, CONTAINERS_CONF },
    timeout: 120_000,
  });
  const stdout = (r.stdout ?? "").trim();
  return { ok: r.status === 0, out: `${stdout}\n${r.stderr ?? ""}`.trim(), stdout };
}

function skipReason(): string | undefined {
  if (spawnSync("podman", ["--version"]).error) {
    return "podman is not installed (apt-get install -y podman buildah catatonit runc)";
  }
  if (!podman(["image", "exists", IMAGE]).ok) {
    return `${IMAGE} is not built (npm run images:build -- storefront)`;
  }
  // An image of older sources would test old code: it must come from a commit whose product
  // sources equal this checkout's.
  const rev = podman([
    "image",
    "inspect",
    "--format",
    '{{ index .Labels "org.opencontainers.image.revision" }}',
    IMAGE,
  ]).stdout;
  const same = spawnSync("git", [
    "diff",
    "--quiet",
    rev,
    "HEAD",
    "--",
    "apps",
    "packages",
    "infra/docker",
    "package-lock.json",
  ]);
  if (!/^[0-9a-f]{40}$/.test(rev) || same.status !== 0) {
    return `${IMAGE} was built from ${rev || "an unknown commit"}, not from these sources (npm run images:build -- storefront)`;
  }
  return undefined;
}

const skip = skipReason();
if (skip) process.stdout.write(`[images] SKIPPED storefront image tests: ${skip}\n`);

/**
 * The one place that decides what the container gets: exactly what the launcher gives a
 * storefront instance (`processEnv`), on its own port. No volume: the image reads nothing else.
 */
function storefrontContainer(
  t: Topology,
  port: number,
): { env: Record<string, string> } {
  const env = {
    ...processEnv(t, "storefront-1"),
    AGORA_SERVICE_NAME: "storefront-image",
    HOST: "127.0.0.1",
    PORT: String(port),
  };
  return { env };
}

const cleanups: (() => void)[] = [];

/** Milliseconds until `url` answers 200 (polled every 100 ms), or throws with the container log. */
async function until200(url: string, container: string, timeoutMs = 90_000): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    const status = await fetch(url, { signal: AbortSignal.timeout(2_000) }).then(
      (r) => r.status,
      () => 0,
    );
    if (status === 200) return Date.now() - started;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(
    `${url} did not answer 200 within ${timeoutMs} ms\n${podman(["logs", container]).out}`,
  );
}

describe.skipIf(skip !== undefined)("storefront image", () => {
  const t = topology();
  const runName = `img${randomUUID().slice(0, 8)}`;
  let product: { productId: string; title: string; vendorName: string };

  beforeAll(async () => {
    const stateDir = mkdtempSync(join(tmpdir(), "agora-image-seed-"));
    cleanups.push(() => rmSync(stateDir, { recursive: true, force: true }));
    const report = await seed({ products: 6, seedNumber: 11, runName, stateDir, vendors: 1 });
    const row = await core().primary.catalogSearch.findFirst({
      where: { vendorId: report.vendors[0]!.id },
      select: { productId: true, title: true, vendorName: true },
      orderBy: { title: "asc" },
    });
    if (!row) throw new Error("the seed wrote no catalog_search rows");
    product = row;
  });

  afterAll(async () => {
    await closeAll();
    for (const cleanup of cleanups.splice(0)) cleanup();
  });

  it("serves /readyz and a catalog page from the database on the host network, and stops on SIGTERM", async () => {
    const port = await freePort();
    const name = `agora-storefront-test-${port}`;
    const { env } = storefrontContainer(t, port);
    const started = Date.now();
    const run = podman([
      "run",
      "-d",
      "--name",
      name,
      "--init",
      "--network",
      "host",
      // Next logs the start and end of its SIGTERM cleanup with this.
      "-e",
      "DEBUG=next:start-server",
      ...Object.entries(env).flatMap(([k, v]) => ["-e", `${k}=${v}`]),
      IMAGE,
    ]);
    cleanups.push(() => void podman(["rm", "-f", "-t", "0", name]));
    expect(run.ok, run.out).toBe(true);

    await until200(`http://127.0.0.1:${port}/readyz`, name);
    const startMs = Date.now() - started;
    process.stdout.write(
      `[images] storefront container: podman run → /readyz 200 in ${startMs} ms\n`,
    );

    const page = await fetch(`http://127.0.0.1:${port}/p/${product.productId}`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain(product.title);
    expect(html).toContain(product.vendorName);

    const health = podman(["healthcheck", "run", name]);
    expect(health.ok, `HEALTHCHECK failed: ${health.out}`).toBe(true);

    // SIGTERM reaches Next's server (no PID 1 trap): its cleanup starts, closes the listener and,
    // once requests and `after()` work still in flight are done, exits 143. 137 means the drain
    // outlasted 30 s (Kubernetes' default grace period) and podman had to SIGKILL it.
    const stopping = Date.now();
    expect(podman(["stop", "-t", "30", name]).ok).toBe(true);
    const drainMs = Date.now() - stopping;
    const exitCode = podman(["inspect", name, "--format", "{{.State.ExitCode}}"]).stdout;
    const log = podman(["logs", name]).out;
    expect(log, "the server never saw SIGTERM").toContain("start-server process cleanup");
    process.stdout.write(
      exitCode === "143"
        ? `[images] storefront container: SIGTERM → drained, exit 143 in ${drainMs} ms\n`
        : `[images] WARNING storefront container: SIGTERM handled but the drain did not finish in 30 s (exit ${exitCode})\n`,
    );
  });

  it("runs as a Deployment under podman kube play and answers /healthz", async () => {
    const port = await freePort();
    const { env } = storefrontContainer(t, port);
    const name = `agora-storefront-kube-${port}`;
    const manifestDir = mkdtempSync(join(tmpdir(), "agora-kube-play-"));
    // What the Kubernetes generator renders, cut down to what podman kube play needs here.
    const deployment = {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name, labels: { app: "storefront" } },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: "storefront" } },
        template: {
          metadata: { labels: { app: "storefront" } },
          spec: {
            hostNetwork: true,
            securityContext: { runAsUser: APP_UID, runAsGroup: APP_UID, runAsNonRoot: true },
            containers: [
              {
                name: "storefront",
                image: IMAGE,
                env: Object.entries(env).map(([k, v]) => ({ name: k, value: v })),
                readinessProbe: { httpGet: { path: "/readyz", port } },
              },
            ],
          },
        },
      },
    };
    const manifest = join(manifestDir, `${name}.yaml`);
    writeFileSync(manifest, JSON.stringify(deployment, null, 2)); // JSON is YAML
    cleanups.push(() => {
      podman(["kube", "down", manifest]);
      rmSync(manifestDir, { recursive: true, force: true });
    });

    const play = podman(["kube", "play", manifest]);
    expect(play.ok, play.out).toBe(true);
    const ms = await until200(`http://127.0.0.1:${port}/healthz`, `${name}-pod-storefront`);
    process.stdout.write(
      `[images] storefront under podman kube play: /healthz 200 after ${ms} ms\n`,
    );
    expect(podman(["kube", "down", manifest]).ok).toBe(true);
  });
});
