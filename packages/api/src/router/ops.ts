import { topologyOverview, topologyStatusInput } from "../ops/topology-status.ts";
import { createTRPCRouter, permissionProcedure } from "../trpc.ts";

/** Operators and admins only: every procedure here needs at least `ops:read`. */
export const opsRouter = createTRPCRouter({
  /** Live status of every process (etcd Raft roles, Patroni leaders and lag, Redis, HAProxy). */
  topology: permissionProcedure("ops:read")
    .input(topologyStatusInput)
    .query(({ input }) => topologyOverview(input)),
});
