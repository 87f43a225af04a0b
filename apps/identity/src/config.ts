/** What the identity provider reads at start-up (one error names every variable at fault). */
import {
  identityProviderSchema,
  listenSchema,
  loadConfig,
  redisSchema,
  type EnvSource,
} from "@agora/config";

export function loadIdentityEnv(source: EnvSource = process.env) {
  return loadConfig(
    { listen: listenSchema, identity: identityProviderSchema, redis: redisSchema },
    source,
  );
}
