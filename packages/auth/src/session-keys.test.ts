import { encode, type JWT } from "next-auth/jwt";
import { describe, expect, it } from "vitest";
import { decodeWithPreviousKeys, sessionSecretFor } from "./session-keys.ts";

const OLD = sessionSecretFor("storefront", "old-secret-old-secret-old-secret-0000");
const NEW = sessionSecretFor("storefront", "new-secret-new-secret-new-secret-1111");
const claims: JWT = { sub: "user-1", email: "a@b.c", name: "A", roles: ["shopper"], aud: "storefront" };

describe("session key rotation", () => {
  it("still opens a session issued under the previous key, as long as that key is kept", async () => {
    const token = await encode({ token: claims, secret: OLD });
    const decoded = await decodeWithPreviousKeys([OLD])({ token, secret: NEW });
    expect(decoded?.sub).toBe("user-1");
  });

  it("opens sessions issued under the current key", async () => {
    const token = await encode({ token: claims, secret: NEW });
    expect((await decodeWithPreviousKeys([OLD])({ token, secret: NEW }))?.sub).toBe("user-1");
  });

  it("refuses a session of the previous key once that key is dropped", async () => {
    const token = await encode({ token: claims, secret: OLD });
    await expect(decodeWithPreviousKeys([])({ token, secret: NEW })).rejects.toMatchObject({
      code: "ERR_JWE_DECRYPTION_FAILED",
    });
  });

  it("refuses a token no key opens, even with previous keys configured", async () => {
    const token = await encode({ token: claims, secret: sessionSecretFor("ops-console", "x".repeat(40)) });
    await expect(decodeWithPreviousKeys([OLD])({ token, secret: NEW })).rejects.toMatchObject({
      code: "ERR_JWE_DECRYPTION_FAILED",
    });
  });
});
