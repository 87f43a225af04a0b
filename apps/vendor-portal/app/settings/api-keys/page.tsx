import { hasPermission } from "@agora/api/permissions";
import { PageHeader } from "@agora/ui";
import Link from "next/link";
import { forbidden } from "next/navigation";
import { ApiKeyBoard } from "../../../src/api-keys/api-key-board.tsx";
import { currentSession } from "../../../src/auth/session.ts";
import { VendorShell } from "../../../src/shell/vendor-shell.tsx";

export const metadata = { title: "API keys" };

export default async function ApiKeysPage() {
  const session = await currentSession();
  // Keys act for the whole shop: the owner's alone (the procedures refuse staff too).
  if (!session || !hasPermission(session.roles, "vendor:api-keys")) forbidden();
  return (
    <VendorShell current="/settings">
      <PageHeader
        title="API keys"
        description={
          <>
            Keys for your own systems to read stock and orders and set stock over the{" "}
            <Link href="/api/v1/openapi.json" className="underline">
              REST API
            </Link>
            . Revoking a key stops it on its next request.
          </>
        }
      />
      <ApiKeyBoard />
    </VendorShell>
  );
}
