/**
 * Image references: `agora/<image>:<version>`. The version is the same for every Agora image of a
 * release (one commit builds them all); it comes from `--version`, `AGORA_IMAGE_TAG`, or the git
 * short sha, in that order. Third-party images are pinned to exact versions here.
 */
import { execFileSync } from "node:child_process";
import type { ImageName } from "./deployables.ts";

export const IMAGE_REPOSITORY = "agora";

export const THIRD_PARTY_IMAGES = {
  redis: "redis:7.0.15",
  etcd: "quay.io/coreos/etcd:v3.5.17",
} as const;

export function agoraImage(image: ImageName, version: string): string {
  if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/.test(version) || version === "latest") {
    throw new Error(`invalid image version "${version}": a pinned tag, not "latest"`);
  }
  return `${IMAGE_REPOSITORY}/${image}:${version}`;
}

export function defaultVersion(): string {
  const fromEnv = process.env.AGORA_IMAGE_TAG;
  if (fromEnv) return fromEnv;
  return execFileSync("git", ["rev-parse", "--short", "HEAD"], { encoding: "utf8" }).trim();
}
