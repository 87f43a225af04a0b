import { spawn } from "node:child_process";
import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, describe, expect, it, vi } from "vitest";
import { descendants } from "../processes/registry.ts";
import { topology } from "../topology.ts";
import { ownTree, regionProcessNames } from "./region-cost.ts";

const started: number[] = [];
afterEach(() => {
  vi.unstubAllEnvs();
  for (const pid of started.splice(0)) {
    try {
      process.kill(-pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
});

/** A shell with a child of its own, in its own process group (killed as a group afterwards). */
async function shellWithChild(): Promise<number> {
  const sh = spawn("sh", ["-c", "sleep 30 & sleep 30"], { detached: true, stdio: "ignore" });
  const pid = sh.pid as number;
  started.push(pid);
  for (let i = 0; i < 50 && descendants(pid).length < 2; i++) await sleep(20);
  return pid;
}

describe("region cost", () => {
  it("counts a registered child process once, under its own name, not again under its parent", async () => {
    const parent = process.pid;
    const registeredChild = await shellWithChild();
    const grandchildren = descendants(registeredChild);
    expect(grandchildren.length).toBeGreaterThan(0);
    const own = ownTree(parent, new Set([parent, registeredChild]));
    expect(own).toContain(parent);
    expect(own).not.toContain(registeredChild);
    for (const g of grandchildren) expect(own).not.toContain(g);
    // Not registered, the same child and its children count under the parent.
    const all = ownTree(parent, new Set([parent]));
    expect(all).toContain(registeredChild);
    for (const g of grandchildren) expect(all).toContain(g);
  });

  it("counts the workers a region failover starts in us as us's", () => {
    vi.stubEnv("AGORA_REGIONS", "2");
    vi.stubEnv("AGORA_BASE_PORT", "18000");
    vi.stubEnv("AGORA_STATE_DIR", "/tmp/agora-region-cost-test");
    const names = regionProcessNames(topology("test"));
    for (const n of [
      "outbox-relay-us-1",
      "workers-sagas-us-1",
      "workers-payments-us-1",
      "inventory-us-1",
      "storefront-us-1",
    ])
      expect(names.has(n), n).toBe(true);
  });
});
