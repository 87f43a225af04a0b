import { EmptyState } from "@agora/ui";

/**
 * What a signed-in vendor sees on a page its role may not open (the 403 view; the procedure
 * behind it refuses too). Pages call `forbidden()` (next/navigation), which renders
 * app/forbidden.tsx with HTTP status 403.
 */
export function Forbidden({ what = "This page" }: { what?: string }) {
  return (
    <EmptyState
      tone="error"
      title="403 — not for your role"
      description={`${what} is for the shop owner. Ask the owner if you need a change here.`}
    />
  );
}
