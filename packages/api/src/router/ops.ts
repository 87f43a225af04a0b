import { topologyOverview, topologyStatusInput } from "../ops/topology-status.ts";
import { createTRPCRouter, publicProcedure } from "../trpc.ts";

// TODO(auth): these become operator-only once sessions land.
export const opsRouter = createTRPCRouter({
  /** Live status of every process (etcd Raft roles, Patroni leaders and lag, Redis, HAProxy). */
  topology: publicProcedure
    .input(topologyStatusInput)
    .query(({ input }) => topologyOverview(input)),
});
