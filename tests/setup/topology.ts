/**
 * Vitest global setup for integration and chaos tests: a fresh HA topology on the `test`
 * profile's own ports, migrated, with the inventory gRPC service running, stopped again
 * afterwards (also when tests fail). Shared by the projects of one run through a reference count.
 * AGORA_TEST_KEEP_TOPOLOGY=1 keeps it running between runs for a fast edit–test loop.
 */
import type { TestProject } from "vitest/node";
import { migrationTarget, processEnv } from "@agora/infra-local/env";
import { down, up } from "@agora/infra-local/processes";
import { topology } from "@agora/infra-local/topology";
import { inventoryServices, startServices } from "@agora/infra-local/apps";
import { migrateAll } from "@agora/db/migrations";

declare module "vitest" {
  export interface ProvidedContext {
    /** The environment of a `test-runner` process of the test topology (tests/setup/env.ts applies it). */
    agoraEnv: Record<string, string>;
  }
}

interface Shared {
  refs: number;
  ready?: Promise<void>;
}
const g = globalThis as typeof globalThis & { __agoraTopology?: Shared };

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const t = topology("test");
  const keep = process.env.AGORA_TEST_KEEP_TOPOLOGY === "1";
  const shared = (g.__agoraTopology ??= { refs: 0 });
  shared.refs++;
  shared.ready ??= (async () => {
    const log = (l: string) => process.stdout.write(`[topology] ${l}\n`);
    if (!keep) await down(t, () => {}, { wipe: true });
    try {
      const r = await up(t, log);
      log(`servers ready in ${(r.ms / 1000).toFixed(1)} s`);
      await migrateAll(migrationTarget(t));
      log("migrated every cluster");
      // The checkout saga reserves stock through the inventory gRPC service (2 instances).
      await startServices(t, inventoryServices(t));
      log(`inventory service ×${t.apps.inventory.length} ready`);
    } catch (err) {
      // Vitest runs no teardown for a setup that threw: stop what did start, then fail.
      if (!keep) await down(t, log);
      throw err;
    }
  })();
  await shared.ready;
  // Code under test reads its configuration from env, exactly as the launched processes do.
  const env = processEnv(t, "test-runner");
  Object.assign(process.env, env);
  project.provide("agoraEnv", env);
  return async () => {
    shared.refs--;
    if (shared.refs === 0 && !keep) await down(t, (l) => process.stdout.write(`[topology] ${l}\n`));
  };
}
