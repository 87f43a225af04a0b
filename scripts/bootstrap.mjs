#!/usr/bin/env node
// Prerequisite check for `npm start`, `npm test` and CI. Dependency-free on purpose: it runs
// before `npm ci`. Installs missing Debian packages when root (after `apt-get update`), or
// prints the exact command to run; runs `npm ci` when node_modules is missing.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, unlinkSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

/** Debian package → the binary Agora runs from it. */
const PACKAGES = {
  "postgresql-15": "/usr/lib/postgresql/15/bin/postgres",
  patroni: "/usr/bin/patroni",
  // Patroni's etcd client (urllib3) needs idna for https URLs (etcd speaks mutual TLS only);
  // Debian's patroni package does not pull it in.
  "python3-idna": "/usr/lib/python3/dist-packages/idna/__init__.py",
  "etcd-server": "/usr/bin/etcd",
  "etcd-client": "/usr/bin/etcdctl",
  "redis-server": "/usr/bin/redis-server",
  "redis-sentinel": "/usr/bin/redis-sentinel",
  haproxy: "/usr/sbin/haproxy",
  nginx: "/usr/sbin/nginx",
  chromium: "/usr/bin/chromium",
  // Product videos (transcode, poster frame) and documents (first-page thumbnail, page count).
  ffmpeg: "/usr/bin/ffmpeg",
  "poppler-utils": "/usr/bin/pdftoppm",
};

function installed(pkg) {
  const r = spawnSync("dpkg-query", ["-W", "-f=${Status}", pkg], { encoding: "utf8" });
  return r.status === 0 && r.stdout.includes("install ok installed");
}

const missing = Object.entries(PACKAGES)
  .filter(([pkg, bin]) => !installed(pkg) || !existsSync(bin))
  .map(([pkg]) => pkg);

if (missing.length) {
  const cmd = `apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${missing.join(" ")}`;
  if (process.getuid?.() !== 0) {
    console.error(`Agora needs these Debian packages: ${missing.join(", ")}.\nRun as root:\n  sudo sh -c '${cmd}'`);
    process.exit(1);
  }
  console.log(`Installing ${missing.join(", ")} …`);
  // Keep package scripts from starting system instances on default ports: Agora runs its own.
  const policy = "/usr/sbin/policy-rc.d";
  const ownPolicy = !existsSync(policy);
  if (ownPolicy) writeFileSync(policy, "#!/bin/sh\nexit 101\n", { mode: 0o755 });
  try {
    execFileSync("sh", ["-c", cmd], { stdio: "inherit", env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
  } finally {
    if (ownPolicy) unlinkSync(policy);
  }
}

// CI runs `npm ci` itself right after this script (AGORA_SKIP_NPM=1): do not install twice.
const skipNpm = process.env.AGORA_SKIP_NPM === "1";

if (!skipNpm && !existsSync(join(root, "node_modules", ".package-lock.json"))) {
  console.log("Installing npm dependencies (npm ci) …");
  execFileSync("npm", ["ci", "--no-audit", "--no-fund"], { cwd: root, stdio: "inherit" });
}

const generated = ["core", "shard"].every((c) => existsSync(join(root, "packages/db/src/generated", c)));
if (!skipNpm && !generated) {
  execFileSync("npm", ["run", "generate", "--silent"], { cwd: root, stdio: "inherit" });
}
