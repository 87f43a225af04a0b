/**
 * Prints this app's port from the one topology file, so `npm start` never hard-codes a number.
 * The launcher sets PORT itself; this is the fallback for running the app by hand.
 * Storefront runs several instances: STOREFRONT_INSTANCE picks which one (default 0).
 */
import { topology } from "@agora/infra-local/topology";

const ports = topology().apps.storefront;
const instance = Number(process.env.STOREFRONT_INSTANCE ?? "0");
const port = ports[instance];
if (port === undefined) {
  throw new Error(
    `STOREFRONT_INSTANCE must be 0..${ports.length - 1}, got "${process.env.STOREFRONT_INSTANCE}"`,
  );
}
console.log(port);
