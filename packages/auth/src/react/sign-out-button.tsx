"use client";

import { signOut } from "next-auth/react";
import { useRouter } from "next/navigation";
import { useState } from "react";

/** `after`: where to go once signed out (apps that need a session send people to /signin). */
export function SignOutButton({ after = "/" }: { after?: string }) {
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
        router.replace(after);
        router.refresh();
      }}
      className="inline-flex min-h-10 items-center rounded-md px-3 text-sm font-medium text-zinc-600 hover:bg-zinc-100 disabled:opacity-60 dark:text-zinc-400 dark:hover:bg-zinc-800"
    >
      {pending ? "Signing out…" : "Sign out"}
    </button>
  );
}
