/**
 * Starts a fresh `test` topology, migrates it, seeds a small deterministic catalogue and starts
 * the services and the built apps; the returned function stops all of it (Playwright calls it
 * even on failure).
 */
import { appInstances, services, startApps } from "../../infra/local/src/apps.ts";
import { down, up } from "../../infra/local/src/launcher.ts";
import { topology } from "../../infra/local/src/topology.ts";
import { migrationTarget, processEnv } from "../../infra/local/src/env/index.ts";
import { closeAll } from "../../packages/db/src/index.ts";
import { migrateAll } from "../../packages/db/src/migrations/index.ts";
import { seed } from "../../packages/db/src/seed/index.ts";

export default async function globalSetup(): Promise<() => Promise<void>> {
  const t = topology("test");
  const log = (l: string) => process.stdout.write(`[e2e] ${l}\n`);
  await down(t, () => {}, { wipe: true });
  try {
    const r = await up(t, log);
    log(`servers ready in ${(r.ms / 1000).toFixed(1)} s`);
    await migrateAll(migrationTarget(t));
    // Specs (Playwright workers inherit it) and the seed read configuration from env, like the apps.
    Object.assign(process.env, processEnv(t, "test-runner"));
    await seed({ products: 400, seedNumber: 7, stateDir: t.stateDir });
    await closeAll();
    // Simulator, worker pools, outbox relay, realtime gateways (whatever `npm start` runs beside
    // the apps), then both storefronts behind the gateway, the vendor portal and the ops console.
    await startApps(t, services(t));
    await startApps(t, appInstances(t));
    log("apps ready");
  } catch (err) {
    await down(t, log);
    throw err;
  }
  return async () => {
    await down(t, log);
  };
}
