/**
 * Prints this app's port: `PORT` when set (the launcher and containers set it), else the one the
 * local topology gives the process (`npm run infra:env`), so `npm start` never hard-codes a number.

 */
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const processName = `ops-console`;
let port = process.env.PORT;
if (!port) {
  const envCli = fileURLToPath(new URL("../../../infra/local/src/cli/env.ts", import.meta.url));
  const lines = execFileSync(process.execPath, ["--import", "tsx", envCli, "--process", processName], { encoding: "utf8" });
  port = /^PORT=(\d+)$/m.exec(lines)?.[1];
}
if (!port) throw new Error(`no PORT for ${processName} (set PORT, or check npm run infra:env -- --process ${processName})`);
console.log(port);
