/**
 * `npm run infra:env -- [--profile test] [--process storefront-1]`: the environment the launcher
 * gives one process, as shell-quoted `KEY=value` lines (default process: `test-runner`, i.e.
 * everything a CLI or test needs). `--fault-proxy` routes read-write URLs through the chaos proxy;
 * `--get PORT` prints one value alone (the apps' `npm start -w …` scripts ask for their port).
 */
import { formatEnv, processEnv } from "../env/process-env.ts";
import { topology } from "../topology.ts";
import { cliArgs, runCli } from "./args.ts";

runCli(async () => {
  const { values, profile } = cliArgs({
    process: { type: "string", default: "test-runner" },
    "fault-proxy": { type: "boolean", default: false },
    get: { type: "string" },
  });
  const env = processEnv(topology(profile), String(values.process), {
    viaFaultProxy: Boolean(values["fault-proxy"]),
  });
  if (values.get === undefined) {
    process.stdout.write(`${formatEnv(env)}\n`);
    return;
  }
  const value = env[String(values.get)];
  if (value === undefined) throw new Error(`${values.process} has no ${values.get}`);
  process.stdout.write(`${value}\n`);
});
