/**
 * The routing a topology's HAProxy configuration starts with: each declared slot at its configured
 * instance's address, ready, weight 1; spare slots in maintenance. A test that runs a gateway sync
 * against the shared test HAProxy leaves the slots as its own instances had them (stand-ins gone →
 * maintenance); putting this back lets the tests after it find the topology's own instances routed.
 */
import { GATEWAY_BACKENDS, type GatewayService, runtimeSocketOf } from "../config/haproxy.ts";
import type { Topology } from "../topology.ts";
import { runtimeCommand, saveServerState } from "./runtime-api.ts";

export async function restoreConfiguredRouting(t: Topology): Promise<void> {
  const configured: Record<GatewayService, readonly number[]> = {
    storefront: t.apps.storefront,
    realtime: t.apps.realtime,
    "vendor-portal": [t.apps.vendorPortal],
    "ops-console": [t.apps.opsConsole],
  };
  for (const instance of t.haproxyInstances) {
    const socket = runtimeSocketOf(instance);
    for (const [service, ports] of Object.entries(configured) as [GatewayService, readonly number[]][]) {
      const { backend, slots } = GATEWAY_BACKENDS[service];
      for (let i = 0; i < slots; i++) {
        const server = `${backend}/${service}-${i + 1}`;
        const port = ports[i];
        if (port === undefined) {
          await runtimeCommand(socket, `set server ${server} state maint`);
          continue;
        }
        await runtimeCommand(socket, `set server ${server} addr ${t.host} port ${port}`);
        await runtimeCommand(socket, `set server ${server} weight 1`);
        await runtimeCommand(socket, `set server ${server} state ready`);
      }
    }
    await saveServerState(instance, socket);
  }
}
