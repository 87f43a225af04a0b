"use client";

import { signIn } from "next-auth/react";
import { useEffect, useRef, useState } from "react";
// Not identity-client.ts: that one reads the secrets store and must stay on the server.
import { IDENTITY_PROVIDER_ID } from "../identity-provider-id.ts";

/**
 * Sends the browser to Agora's sign-in (the identity provider) and back to `callbackUrl`. With
 * `auto`, it goes at once: someone already signed in at the provider (in another Agora app) comes
 * straight back signed in. `screen: "signup"` opens the provider's "Create an account" form;
 * `anotherAccount` asks the provider for the password again instead of its current session;
 * `loginHint` fills in the provider's Email field (an invitation's address, say).
 */
export function ProviderSignIn({
  callbackUrl,
  auto,
  screen = "signin",
  anotherAccount = false,
  loginHint,
  label = "Continue to sign-in",
}: {
  callbackUrl: string;
  auto: boolean;
  screen?: "signin" | "signup";
  anotherAccount?: boolean;
  loginHint?: string;
  label?: string;
}) {
  const [pending, setPending] = useState(false);
  const [failed, setFailed] = useState(false);
  const started = useRef(false);

  async function go() {
    setPending(true);
    setFailed(false);
    try {
      await signIn(
        IDENTITY_PROVIDER_ID,
        { callbackUrl },
        {
          ...(screen === "signup" ? { screen_hint: "signup" } : {}),
          ...(anotherAccount ? { prompt: "login" } : {}),
          ...(loginHint ? { login_hint: loginHint } : {}),
        },
      );
    } catch (err) {
      // A network failure (server down, offline phone): say so instead of spinning forever.
      console.error("sign-in request failed", err);
      setFailed(true);
      setPending(false);
    }
  }

  useEffect(() => {
    if (!auto || started.current) return;
    started.current = true;
    void go();
  }, [auto]);

  return (
    <div className="space-y-3">
      {failed ? (
        <p role="alert" className="text-sm text-rose-700 dark:text-rose-300">
          Could not reach the server. Check your connection and try again.
        </p>
      ) : null}
      <button
        type="button"
        onClick={() => void go()}
        disabled={pending}
        className="min-h-11 w-full rounded-md bg-brand-600 px-4 text-base font-medium text-white hover:bg-brand-700 disabled:opacity-60"
      >
        {pending ? "Opening Agora sign-in…" : label}
      </button>
    </div>
  );
}
