import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

export interface StandIn {
  id: string;
  port: number;
  child: ChildProcess;
}

const SCRIPT = fileURLToPath(new URL("./stand-in-instance.ts", import.meta.url));

/** Starts a stand-in instance process and resolves once it is registered. */
export async function spawnStandIn(opts: {
  id: string;
  service: string;
  endpoints: string[];
  prefix: string;
  ttlSeconds?: number;
}): Promise<StandIn> {
  const child = spawn(process.execPath, ["--import", "tsx", SCRIPT], {
    env: {
      ...process.env,
      STANDIN_ID: opts.id,
      STANDIN_SERVICE: opts.service,
      STANDIN_ENDPOINTS: opts.endpoints.join(","),
      STANDIN_PREFIX: opts.prefix,
      STANDIN_TTL: String(opts.ttlSeconds ?? 3),
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const port = await new Promise<number>((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`stand-in ${opts.id} did not register in 60 s: ${out}`)), 60_000);
    child.stdout?.on("data", (d: Buffer) => {
      out += d.toString();
      const m = /registered (\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`stand-in ${opts.id} exited (${code}) before registering: ${out}`));
    });
  });
  return { id: opts.id, port, child };
}
