/**
 * gRPC name resolution through the service registry: a channel to `agora-registry:///inventory`
 * gets the addresses of the `inventory` instances that are registered in etcd and ready, and
 * follows the registry as instances come, drain (not ready: taken out before they stop) or die
 * (their lease expires); while etcd cannot be read it keeps the last list. The channel's round-robin balancer connects to exactly that list; a
 * re-resolution the channel asks for (after connection failures) re-sends the newest list.
 *
 * grpc-js has resolvers for DNS, IP lists and unix sockets only; this one is a thin adapter from
 * the registry's watch (@agora/registry) to grpc-js's resolver interface.
 */
import { experimental, Metadata, status } from "@grpc/grpc-js";
import { etcdSchema, loadConfig } from "@agora/config";
import { hostPort, type ServiceInstance, type ServiceWatch, watchServices } from "@agora/registry";

export const REGISTRY_SCHEME = "agora-registry";
/** While the registry cannot be read, the watch is retried this often. */
const RETRY_MS = 2_000;

type Endpoint = experimental.Endpoint;

/** The ready instances as gRPC endpoints, in a stable order (instance id). */
export function readyEndpoints(members: readonly ServiceInstance[]): Endpoint[] {
  return members
    .filter((m) => m.ready)
    .sort((a, b) => a.instanceId.localeCompare(b.instanceId))
    .map((m) => ({ addresses: [hostPort(m.address)] }));
}

class RegistryResolver implements experimental.Resolver {
  private latest: {
    result: experimental.StatusOr<Endpoint[]>;
    note: string;
    delivered: boolean;
  } | null = null;
  /** The addresses last handed over, to skip registry changes that do not change them. */
  private lastKey = "";
  private watch: ServiceWatch | undefined;
  private starting = false;
  private retry: NodeJS.Timeout | undefined;
  /**
   * Between the channel's `updateResolution` and `destroy`: grpc-js destroys a resolver when its
   * channel goes idle and asks it again when the channel is used again, so this is not final.
   */
  private active = false;
  private readonly service: string;

  constructor(
    target: experimental.GrpcUri,
    private readonly listener: experimental.ResolverListener,
  ) {
    this.service = target.path.replace(/^\/+/, "");
  }

  private async start(): Promise<void> {
    if (this.starting || this.watch) return;
    this.starting = true;
    const { etcd } = loadConfig({ etcd: etcdSchema });
    try {
      const watch = await watchServices({
        endpoints: etcd.AGORA_ETCD_ENDPOINTS,
        prefix: etcd.AGORA_ETCD_PREFIX,
        service: this.service,
        onChange: (members) => this.publish(members),
      });
      if (this.active) this.watch = watch;
      else await watch.close();
    } catch (err) {
      this.fail(
        `service registry unreachable: ${err instanceof Error ? err.message : String(err)}`,
      );
      if (this.active) {
        this.retry = setTimeout(() => void this.start(), RETRY_MS);
        this.retry.unref();
      }
    } finally {
      this.starting = false;
    }
  }

  /**
   * The registry's answer, even when it is "nobody": an empty list makes the balancer drop every
   * connection and fail calls (`No addresses resolved`, with the reason as the note), so an
   * instance that left or turned not ready gets no more calls.
   */
  private publish(members: ServiceInstance[]): void {
    const endpoints = readyEndpoints(members);
    // A record change that leaves the ready addresses as they were (a lease renewed) is no news.
    const key = JSON.stringify(endpoints);
    if (key === this.lastKey && this.latest?.result.ok) return;
    this.lastKey = key;
    this.latest = {
      result: experimental.statusOrFromValue(endpoints),
      note: endpoints.length ? "" : `no ready ${this.service} instance in the service registry`,
      delivered: false,
    };
    this.send();
  }

  /**
   * The registry cannot be read: an error, on which gRPC keeps the addresses it had (a registry
   * outage does not cut the callers off from instances that still serve).
   */
  private fail(details: string): void {
    const error = { code: status.UNAVAILABLE, details, metadata: new Metadata() };
    this.lastKey = "";
    this.latest = {
      result: experimental.statusOrFromError(error),
      note: details,
      delivered: false,
    };
    this.send();
  }

  /**
   * Hands the newest result to the channel once. The channel asks again (`updateResolution`) after
   * every failed connection attempt; answering each ask with the same list again would rebuild the
   * balancer's connections in a loop, so a result already handed over is not sent twice.
   */
  private send(): void {
    const latest = this.latest;
    if (!latest || latest.delivered || !this.active) return;
    latest.delivered = true;
    process.nextTick(() => {
      if (this.active) this.listener(latest.result, {}, null, latest.note);
    });
  }

  updateResolution(): void {
    this.active = true;
    void this.start();
    this.send();
  }

  destroy(): void {
    this.active = false;
    clearTimeout(this.retry);
    void this.watch?.close();
    this.watch = undefined;
    // Handed over again when the channel asks next time.
    if (this.latest) this.latest.delivered = false;
  }

  static getDefaultAuthority(target: experimental.GrpcUri): string {
    return target.path.replace(/^\/+/, "");
  }
}

let registered = false;

/** Makes `agora-registry:///<service>` targets resolvable in this process (idempotent). */
export function registerRegistryResolver(): void {
  if (registered) return;
  experimental.registerResolver(REGISTRY_SCHEME, RegistryResolver);
  registered = true;
}
