/**
 * Payments over several providers: one adapter per provider (`providers/`), the routing decision
 * and failover (`routing/`), and the reconciliation of Agora's books with every provider's
 * (`reconciliation/`). The payments pool is the only process that uses this room.
 */
export { createCardApiGateway, type CardApiOptions } from "./providers/card-api.ts";
export {
  createPaySwiftGateway,
  PAYSWIFT_CURRENCIES,
  type PaySwiftOptions,
} from "./providers/payswift.ts";
export {
  PROVIDER_NAMES,
  type ProviderAdapter,
  type ProviderName,
  type ProviderRecord,
} from "./providers/provider-adapter.ts";
export { chooseProviders, feeCents, type ProviderProfile } from "./routing/choose-provider.ts";
export { combineBreakers, combinedState } from "./routing/combined-breaker.ts";
export {
  createRoutedPayments,
  parsePaymentId,
  paymentRoutes,
  providerKey,
  qualifyPaymentId,
  type RoutedPayments,
} from "./routing/routed-gateway.ts";
export { databaseRouteStore, type RouteStore } from "./routing/route-store.ts";
