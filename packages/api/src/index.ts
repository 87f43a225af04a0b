import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";
import {
  APP_ROUTERS,
  type AppRouter,
  appRouter,
  type OpsConsoleRouter,
  opsConsoleRouter,
  type StorefrontRouter,
  storefrontRouter,
  type VendorPortalRouter,
  vendorPortalRouter,
} from "./root.ts";
import { createCallerFactory, createTRPCContext } from "./trpc.ts";

/** Server-side caller for server components and route handlers: `createCaller(ctx).catalog.overview()`. */
const createCaller = createCallerFactory(appRouter);

/** e.g. `RouterOutputs["catalog"]["overview"]` */
type RouterInputs = inferRouterInputs<AppRouter>;
type RouterOutputs = inferRouterOutputs<AppRouter>;

export {
  APP_ROUTERS,
  appRouter,
  createCaller,
  createCallerFactory,
  createTRPCContext,
  opsConsoleRouter,
  storefrontRouter,
  vendorPortalRouter,
};
export type {
  AppRouter,
  OpsConsoleRouter,
  RouterInputs,
  RouterOutputs,
  StorefrontRouter,
  VendorPortalRouter,
};
export type { TRPCContext, Session } from "./trpc.ts";
export type { TopologyOverview, ClusterView } from "./ops/topology-status.ts";
export type { VendorProfile } from "./vendor/profile.ts";
export {
  PERMISSIONS,
  ROLE_PERMISSIONS,
  hasPermission,
  rolesWith,
  type Permission,
} from "./auth/permissions.ts";
export { PUBLIC_PROCEDURES } from "./auth/public-procedures.ts";
export { requirementOf, type ProcedureMeta, type Requirement } from "./auth/authorize.ts";
export type { CatalogOverview } from "./catalog/overview.ts";
export type { Readiness } from "./health/readiness.ts";
