/**
 * Prints this app's port from the one topology file, so `npm start` never hard-codes a number.
 * The launcher sets PORT itself; this is the fallback for running the app by hand.
 */
import { topology } from "@agora/infra-local/topology";

console.log(topology().apps.vendorPortal);
