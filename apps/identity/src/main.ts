/** `tsx src/main.ts`: runs the identity provider on `HOST`:`PORT` until SIGTERM/SIGINT. */
import "./telemetry.ts";
import { closeAll } from "@agora/db";
import { keepReconnecting, redisOptions } from "@agora/redis";
import { createLogger } from "@agora/telemetry";
import { Redis } from "ioredis";
import { loadIdentityEnv } from "./config.ts";
import { STYLESHEET_FILE, pageStyles } from "./pages/styles.ts";
import { agoraRelyingParties } from "./relying-parties.ts";
import { createIdentityServer } from "./server.ts";

const env = loadIdentityEnv();
const logger = createLogger({ service: "identity" });
const redis = keepReconnecting(new Redis(redisOptions({ connectionName: "identity", maxRetriesPerRequest: 1 })));
redis.on("error", (err) => logger.warn({ err }, "identity redis connection error"));

const server = await createIdentityServer({
  issuer: env.identity.AGORA_IDENTITY_ISSUER,
  // The three apps sign in here (authorization code + PKCE).
  relyingParties: await agoraRelyingParties({
    storefront: env.apps.AGORA_STOREFRONT_URL,
    "vendor-portal": env.apps.AGORA_VENDOR_PORTAL_URL,
    "ops-console": env.apps.AGORA_OPS_CONSOLE_URL,
  }),
  redis,
  cookieKeys: [env.identity.AGORA_IDENTITY_COOKIE_SECRET],
  rotateAfterMs: env.identity.AGORA_IDENTITY_KEY_ROTATION_DAYS * 24 * 60 * 60_000,
  onRotate: (kid) => logger.info({ kid }, "identity signing key rotated"),
  onError: (err) => logger.error({ err }, "identity key rotation check failed"),
  // In the image: dist/login.css, written by the build beside this entry (no theme sources there).
  styles: await pageStyles(new URL(`./${STYLESHEET_FILE}`, import.meta.url)),
});
const url = await server.listen(env.listen.PORT, env.listen.HOST);
logger.info(
  { url, issuer: env.identity.AGORA_IDENTITY_ISSUER, pid: process.pid },
  "identity provider listening",
);

const stop = (signal: string) => {
  logger.info({ signal }, "identity provider stopping");
  server
    .close()
    .then(() => Promise.all([redis.quit(), closeAll()]))
    .then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, "identity provider did not close cleanly");
        process.exit(1);
      },
    );
};
process.on("SIGTERM", () => stop("SIGTERM"));
process.on("SIGINT", () => stop("SIGINT"));
