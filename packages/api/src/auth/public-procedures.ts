/**
 * Procedures anyone may call, signed in or not. Every other procedure must declare a permission
 * (or at least a session); `authz-matrix.test.ts` fails for one that does neither, so a new
 * procedure is never public by accident.
 */
export const PUBLIC_PROCEDURES: readonly string[] = [
  "health.ping",
  "health.ready",
  "catalog.overview",
  "catalog.home",
  "catalog.category",
  "catalog.product",
  "search.query",
  "search.suggest",
  "reviews.list",
  "recommendations.alsoBought",
  // guests have carts (agora_cart cookie) and may sign up; placing an order needs a session
  "cart.get",
  "cart.add",
  "cart.setQuantity",
  "cart.remove",
  "checkout.paymentConfig",
  "checkout.paymentsStatus",
  "auth.signUp",
  // an invitation link's page: the single-use token in the input is the credential; an address
  // that already has an account accepts with a session (`invitations.accept`, not listed here)
  "invitations.get",
  "invitations.signUp",
];
