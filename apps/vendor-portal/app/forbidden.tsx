import { Forbidden } from "../src/auth/forbidden.tsx";
import { VendorShell } from "../src/shell/vendor-shell.tsx";

export const metadata = { title: "Not for your role" };

/** Rendered with HTTP 403 when a page calls `forbidden()` (owner-only pages opened by staff). */
export default function ForbiddenPage() {
  return (
    <VendorShell current="">
      <Forbidden />
    </VendorShell>
  );
}
