import { Etcd3 } from "etcd3";

/** An etcd client whose unary calls all have a deadline (streams — keepalive, watch — live on). */
export function registryClient(endpoints: string[], requestTimeoutMs = 2_000): Etcd3 {
  return new Etcd3({
    hosts: endpoints,
    dialTimeout: requestTimeoutMs,
    defaultCallOptions: (ctx) => (ctx.isStream ? {} : { deadline: Date.now() + requestTimeoutMs }),
  });
}
