import { spawn } from "node:child_process";
import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { EDGE_INSTANCE_ENV, edgeTag, killStrays, taggedProcesses } from "./strays.ts";

describe("edge strays", () => {
  it("finds and kills only the processes tagged with this state folder's instance", async () => {
    const tag = edgeTag(`/tmp/agora-strays-${process.pid}`, "cdn-1");
    const sleeper = (value: string) =>
      spawn("sleep", ["30"], { env: { ...process.env, [EDGE_INSTANCE_ENV]: value }, stdio: "ignore" });
    const mine = sleeper(tag);
    // Same instance name, another state folder: someone else's edge.
    const other = sleeper(edgeTag(`/tmp/agora-strays-other-${process.pid}`, "cdn-1"));
    try {
      await sleep(100);
      expect(taggedProcesses(tag)).toEqual([mine.pid]);
      expect(killStrays(tag)).toEqual([mine.pid]);
      await new Promise((r) => mine.once("exit", r));
      expect(taggedProcesses(tag)).toEqual([]);
      expect(other.exitCode).toBeNull();
    } finally {
      mine.kill("SIGKILL");
      other.kill("SIGKILL");
    }
  });
});
