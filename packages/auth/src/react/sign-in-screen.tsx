import { FormError } from "@agora/ui";
import type { AgoraSession } from "../session.ts";
import { ProviderSignIn } from "./provider-sign-in.tsx";
import { signInErrorMessage } from "./sign-in-errors.ts";
import { SignOutButton } from "./sign-out-button.tsx";

export interface SignInScreenProps {
  /** Brand line above the card, e.g. "Agora Ops". */
  brand: string;
  /** What the person is signing in to, e.g. "the operations console". */
  destination: string;
  /** Which accounts may use this app, e.g. "an operator or admin account". */
  accessLabel: string;
  callbackUrl: string;
  error: string | undefined;
  /** Set when someone is signed in with an account this app does not accept. */
  wrongAccount: AgoraSession | null;
  afterSignOut?: string;
}

/**
 * The sign-in page body every app shares; works on a phone (single column, large targets). The
 * password is typed at Agora's identity provider, never here: the page goes there at once (and
 * comes straight back when the provider already knows the person), except after an error or
 * with a signed-in account this app does not accept, where it explains and waits for a click.
 */
export function SignInScreen(p: SignInScreenProps) {
  return (
    <main className="flex min-h-dvh items-start justify-center px-4 py-10 sm:items-center">
      <div className="w-full max-w-sm">
        <a
          href="/"
          className="text-lg font-semibold tracking-tight text-brand-600 dark:text-brand-500"
        >
          {p.brand}
        </a>
        <div className="mt-4 rounded-xl border border-zinc-200 bg-white p-5 shadow-sm sm:p-6 dark:border-zinc-800 dark:bg-zinc-900">
          <h1 className="text-xl font-semibold">Sign in</h1>
          <p className="mt-1 mb-5 text-sm text-zinc-600 dark:text-zinc-400">
            Use {p.accessLabel} to continue to {p.destination}.
          </p>
          {p.wrongAccount ? (
            <div
              role="status"
              className="mb-5 rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:border-amber-900 dark:bg-amber-950/40 dark:text-amber-200"
            >
              <p>
                You are signed in as <strong>{p.wrongAccount.email}</strong>, which cannot open this
                page. Sign in with {p.accessLabel}.
              </p>
              <div className="mt-2">
                <SignOutButton after={p.afterSignOut} />
              </div>
            </div>
          ) : null}
          {p.error && p.error !== "forbidden" ? (
            <div className="mb-4">
              <FormError>{signInErrorMessage(p.error)}</FormError>
            </div>
          ) : null}
          <ProviderSignIn
            callbackUrl={p.callbackUrl}
            auto={!p.error && !p.wrongAccount}
            anotherAccount={p.wrongAccount !== null}
            label={p.wrongAccount ? "Sign in with another account" : "Continue to sign-in"}
          />
          <p className="mt-4 text-xs text-zinc-500 dark:text-zinc-400">
            One Agora account signs you in to the shop, the vendor portal and the ops console.
          </p>
        </div>
      </div>
    </main>
  );
}
