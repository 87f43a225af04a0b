/**
 * `registerFromEnv`: self-registration of a server process configured the usual way (HOST/PORT,
 * AGORA_ETCD_*, AGORA_REGION, AGORA_RELEASE or AGORA_VERSION), its readiness being its own `/readyz` answering 200 —
 * which also proves the server is up and its routes load, not only that the process lives.
 */
import { etcdSchema, listenSchema, loadConfig, registrySchema, releaseSchema } from "@agora/config";
import { selfRegistration, type SelfRegistration, type SelfRegistrationOptions } from "./self-registration.ts";
import { withWarmUp } from "./warm-up.ts";

export function registerFromEnv(opts: {
  service: string;
  /** Defaults to AGORA_SERVICE_NAME (storefront-1, realtime-2, …). */
  instanceId?: string;
  /** Readiness probe; defaults to GET http://HOST:PORT/readyz. */
  probe?: () => Promise<boolean>;
  exitOnSignal?: boolean;
  /** How long a draining instance stays registered as not ready (its requests in flight finish). */
  drainMs?: number;
  /** Calls in flight: the drain waits for them after `drainMs` (see SelfRegistrationOptions). */
  busy?: () => number;
  /**
   * Paths this instance requests from itself (a few times each) once its /readyz first answers,
   * before it publishes itself ready: a fresh server loads its routes' code, opens its pools and
   * warms its JIT on the first calls, and those should not be a shopper's (the cold instances of a
   * blue-green release measured p95 7.3 s in their first interval, 4.2x the warm stable ones).
   */
  warmUp?: string[];
  log?: SelfRegistrationOptions["log"];
}): SelfRegistration {
  const { etcd, listen, registry, release } = loadConfig({ etcd: etcdSchema, listen: listenSchema, registry: registrySchema, release: releaseSchema });
  const host = listen.HOST === "0.0.0.0" ? "127.0.0.1" : listen.HOST;
  const readyz =
    opts.probe ??
    (async () => {
      const res = await fetch(`http://${host}:${listen.PORT}/readyz`, { signal: AbortSignal.timeout(2_000) });
      await res.arrayBuffer();
      return res.ok;
    });
  const probe = withWarmUp(readyz, `http://${host}:${listen.PORT}`, opts.warmUp ?? [], opts.log);
  return selfRegistration({
    endpoints: etcd.AGORA_ETCD_ENDPOINTS,
    prefix: etcd.AGORA_ETCD_PREFIX,
    instance: {
      service: opts.service,
      instanceId: opts.instanceId ?? listen.AGORA_SERVICE_NAME ?? `${opts.service}-${process.pid}`,
      address: registry.AGORA_ADVERTISE_ADDRESS ?? `${host}:${listen.PORT}`,
      // A rollout names the release it started (AGORA_RELEASE); otherwise the build.
      version: release.AGORA_RELEASE ?? registry.AGORA_VERSION,
      region: registry.AGORA_REGION,
    },
    probe,
    exitOnSignal: opts.exitOnSignal,
    drainMs: opts.drainMs,
    busy: opts.busy,
    log: opts.log,
  });
}
