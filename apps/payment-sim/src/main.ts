/** `tsx src/main.ts`: runs the simulator on `HOST`:`PORT` until SIGTERM/SIGINT. */
import "./telemetry.ts";
import { createLogger } from "@agora/telemetry";
import { loadSimEnv } from "./config.ts";
import { createPaymentSim } from "./server.ts";
import { FileSimStore, MemorySimStore } from "./store.ts";

const env = loadSimEnv();
// Trace ids on every line, shipped to the telemetry collector.
const logger = createLogger({ service: "payment-sim", level: env.LOG_LEVEL });
const sim = createPaymentSim({
  logger,
  store: env.PAYMENT_SIM_STATE_FILE
    ? FileSimStore.open(env.PAYMENT_SIM_STATE_FILE)
    : new MemorySimStore(),
  // PaySwift's books beside the card provider's: `<state file>.payswift.json`.
  payswiftStore: env.PAYMENT_SIM_STATE_FILE
    ? FileSimStore.open(`${env.PAYMENT_SIM_STATE_FILE}.payswift.json`)
    : new MemorySimStore(),
  processingTimeoutMs: env.PAYMENT_SIM_PROCESSING_TIMEOUT_MS,
  carrier: { stepMs: env.CARRIER_STEP_MS, webhook: { secret: env.AGORA_CARRIER_WEBHOOK_SECRET } },
  corsOrigins: env.corsOrigins,
  adminToken: env.AGORA_PAYMENT_SIM_ADMIN_TOKEN,
  apiKey: env.AGORA_PAYMENT_PROVIDER_API_KEY,
  payswiftApiKey: env.AGORA_PAYSWIFT_API_KEY,
});
const url = await sim.listen(env.PORT, env.HOST);
// The server API over mutual TLS; the plain port keeps the browser's card step and the probes.
const tlsUrl = env.mutualTls
  ? await sim.listenMutualTls(env.mutualTls.port, env.HOST, env.mutualTls.files)
  : null;
logger.info(
  { url, tlsUrl, stateFile: env.PAYMENT_SIM_STATE_FILE ?? null, pid: process.pid },
  "payment-sim listening",
);

const stop = (signal: string) => {
  logger.info({ signal }, "payment-sim stopping");
  sim.close().then(
    () => process.exit(0),
    (err: unknown) => {
      logger.error({ err }, "payment-sim did not close cleanly");
      process.exit(1);
    },
  );
};
process.on("SIGTERM", () => stop("SIGTERM"));
process.on("SIGINT", () => stop("SIGINT"));
