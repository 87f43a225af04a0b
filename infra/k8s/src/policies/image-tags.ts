/** Every image is pinned: an explicit tag (or digest) that is not `latest`. */
import type { Manifest } from "../manifest.ts";
import type { Violation } from "./violation.ts";
import { podWorkloads } from "./workloads.ts";

export function imageTag(image: string): string | undefined {
  if (image.includes("@")) return image.split("@")[1];
  const last = image.split("/").pop() ?? "";
  return last.includes(":") ? last.split(":")[1] : undefined;
}

export function checkImageTags(docs: readonly Manifest[]): Violation[] {
  const out: Violation[] = [];
  for (const w of podWorkloads(docs)) {
    for (const c of [...(w.spec.initContainers ?? []), ...w.spec.containers]) {
      const tag = imageTag(c.image ?? "");
      if (!tag || tag === "latest") {
        out.push({
          policy: "image-tag",
          document: w.ref,
          message: `container ${c.name} image "${c.image}" is not pinned`,
        });
      }
    }
  }
  return out;
}
