import { describe, expect, it } from "vitest";
import { loadConfig } from "../load-config.ts";
import { configErrorOf } from "../testing.ts";
import { carrierWebhookSecretSchema, nextAuthSchema } from "./auth.ts";
import { DEV_CARRIER_WEBHOOK_SECRET } from "./secrets.ts";

const OWN = "9f2c1e7a5b3d4c6e8f0a1b2c3d4e5f60";

describe("secrets in production", () => {
  it("refuses the repository's carrier webhook secret at start-up, naming the variable, never the value", () => {
    const err = configErrorOf(() =>
      loadConfig(carrierWebhookSecretSchema, {
        AGORA_ENV: "production",
        AGORA_CARRIER_WEBHOOK_SECRET: DEV_CARRIER_WEBHOOK_SECRET,
      }),
    );
    expect(err.variables).toEqual(["AGORA_CARRIER_WEBHOOK_SECRET"]);
    expect(err.message).toMatch(/AGORA_CARRIER_WEBHOOK_SECRET: .*development default/);
    expect(err.message).not.toContain(DEV_CARRIER_WEBHOOK_SECRET);
  });

  it("refuses missing secrets", () => {
    const err = configErrorOf(() =>
      loadConfig(
        { carrier: carrierWebhookSecretSchema, auth: nextAuthSchema },
        { AGORA_ENV: "production" },
      ),
    );
    expect(err.variables).toEqual(["AGORA_CARRIER_WEBHOOK_SECRET", "NEXTAUTH_SECRET"]);
  });

  it("accepts a secret of production's own", () => {
    expect(
      loadConfig(carrierWebhookSecretSchema, {
        AGORA_ENV: "production",
        AGORA_CARRIER_WEBHOOK_SECRET: OWN,
      }).AGORA_CARRIER_WEBHOOK_SECRET,
    ).toBe(OWN);
  });

  it("leaves the repository's value to development and test (in-process simulators)", () => {
    for (const AGORA_ENV of ["development", "test", undefined]) {
      expect(
        loadConfig(carrierWebhookSecretSchema, {
          AGORA_ENV,
          AGORA_CARRIER_WEBHOOK_SECRET: DEV_CARRIER_WEBHOOK_SECRET,
        }).AGORA_CARRIER_WEBHOOK_SECRET,
      ).toBe(DEV_CARRIER_WEBHOOK_SECRET);
    }
  });
});
