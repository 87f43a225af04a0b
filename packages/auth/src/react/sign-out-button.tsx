"use client";

import { signOut } from "next-auth/react";
import { useRouter } from "next/navigation";
import { useState } from "react";

/**
 * Signs out of this app (its session and the session epoch), then of the identity provider: the
 * app's `/api/sign-out` sends the browser to the provider's end_session, which comes back to the
 * app. `after`: where to go instead when the app signs people in without the provider.
 */
export function SignOutButton({ after = "/", provider = true }: { after?: string; provider?: boolean }) {
  const router = useRouter();
  const [pending, setPending] = useState(false);
  return (
    <button
      type="button"
      disabled={pending}
      onClick={async () => {
        setPending(true);
        // redirect: false, because next-auth would send the browser to NEXTAUTH_URL's origin, which
        // is not this instance's when it is reached directly instead of through the gateway.
        await signOut({ redirect: false });
        if (provider) {
          window.location.assign("/api/sign-out");
          return;
        }
        router.replace(after);
        router.refresh();
      }}
      className="inline-flex min-h-10 items-center rounded-md px-3 text-sm font-medium text-zinc-600 hover:bg-zinc-100 disabled:opacity-60 dark:text-zinc-400 dark:hover:bg-zinc-800"
    >
      {pending ? "Signing out…" : "Sign out"}
    </button>
  );
}
