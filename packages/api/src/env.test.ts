import { describe, expect, it } from "vitest";
import { InvalidEnvError, parseEnv, webEnvSchema } from "./env.ts";

describe("web env", () => {
  it("fails naming the variable and the bad value", () => {
    expect(() => parseEnv(webEnvSchema, { AGORA_PROFILE: "prod" })).toThrow(
      /AGORA_PROFILE: .*"prod"/,
    );
    expect(() => parseEnv(webEnvSchema, { PORT: "http" })).toThrow(InvalidEnvError);
  });

  it("defaults the profile to dev and coerces PORT", () => {
    expect(parseEnv(webEnvSchema, { PORT: "15900" })).toMatchObject({
      AGORA_PROFILE: "dev",
      PORT: 15900,
    });
  });
});
