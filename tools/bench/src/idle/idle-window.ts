/** The whole product's CPU and memory while nobody uses it, over one window. */
import { setTimeout as sleep } from "node:timers/promises";
import type { Progress } from "../progress.ts";
import type { ProcessUsage } from "../report/result.ts";
import { productProcesses, sample, usageBetween } from "./proc-sampler.ts";

export interface IdleUsage {
  windowMs: number;
  cores: number;
  rssMb: number;
  pssMb: number;
  processes: ProcessUsage[];
}

export function totals(processes: readonly ProcessUsage[]): {
  cores: number;
  rssMb: number;
  pssMb: number;
} {
  return processes.reduce(
    (t, p) => ({ cores: t.cores + p.cores, rssMb: t.rssMb + p.rssMb, pssMb: t.pssMb + p.pssMb }),
    { cores: 0, rssMb: 0, pssMb: 0 },
  );
}

export async function measureIdle(
  pidFile: string,
  detached: Record<string, string>,
  windowS: number,
  progress: Progress,
): Promise<IdleUsage> {
  const listed = productProcesses(pidFile, detached);
  if (listed.size === 0)
    throw new Error(
      `no running product process is registered in ${pidFile} (is \`npm start\` running?)`,
    );
  const before = sample(listed);
  const t0 = Date.now();
  const deadline = t0 + windowS * 1000;
  while (Date.now() < deadline) {
    await sleep(Math.min(1000, deadline - Date.now()));
    progress.tick(`${listed.size} processes`);
  }
  const after = sample(productProcesses(pidFile, detached));
  const windowMs = Date.now() - t0;
  const processes = usageBetween(before, after, windowMs);
  return { windowMs, ...totals(processes), processes };
}
