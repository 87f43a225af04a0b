import type { ReactElement } from "react";
import { describe, expect, it, vi } from "vitest";
import type { AgoraSession } from "../session.ts";
import { signInPage } from "./sign-in-page.tsx";
import { SignInScreen, type SignInScreenProps } from "./sign-in-screen.tsx";

vi.mock("next/navigation", () => ({
  redirect: (url: string) => {
    throw new Error(`redirect ${url}`);
  },
}));

const operator: AgoraSession = {
  userId: "u-1",
  email: "operator@agora.local",
  name: "Olive Operator",
  roles: ["operator"],
};
const shopper: AgoraSession = { ...operator, roles: ["shopper"] };

function page(session: AgoraSession | null) {
  return signInPage({
    brand: "Agora Ops",
    destination: "the operations console",
    accessLabel: "an operator or admin account",
    afterSignOut: "/signin",
    currentSession: async () => session,
    mayUseApp: (s) => s?.roles.includes("operator") ?? false,
  });
}

const query = (params: Record<string, string | string[]>) => ({
  searchParams: Promise.resolve(params),
});

describe("signInPage", () => {
  it("sends an account the app accepts straight on to a same-app callbackUrl", async () => {
    await expect(page(operator)(query({ callbackUrl: "/queues" }))).rejects.toThrow(
      "redirect /queues",
    );
    await expect(
      page(operator)(query({ callbackUrl: ["https://evil.example", "/x"] })),
    ).rejects.toThrow(/^redirect \/$/);
  });

  it("shows the screen to an accepted account after an error, and names a wrong account", async () => {
    const afterError = (await page(operator)(
      query({ error: "Callback" }),
    )) as ReactElement<SignInScreenProps>;
    expect(afterError.type).toBe(SignInScreen);
    expect(afterError.props).toMatchObject({
      error: "Callback",
      wrongAccount: null,
      callbackUrl: "/",
    });

    const wrong = (await page(shopper)(
      query({ callbackUrl: "/queues" }),
    )) as ReactElement<SignInScreenProps>;
    expect(wrong.props).toMatchObject({
      brand: "Agora Ops",
      destination: "the operations console",
      accessLabel: "an operator or admin account",
      afterSignOut: "/signin",
      callbackUrl: "/queues",
      error: undefined,
      wrongAccount: shopper,
    });
  });
});
