// The shopper's data export file: only to the signed-in user who asked for it, until it expires.
import { readExportFile } from "@agora/api/privacy";
import { currentSession } from "../../../../src/auth/session.ts";

export const dynamic = "force-dynamic";

export async function GET(_req: Request, { params }: { params: Promise<{ requestId: string }> }) {
  const session = await currentSession();
  if (!session) return new Response("Sign in to download your data.", { status: 401 });
  const { requestId } = await params;
  const file = await readExportFile(session.userId, requestId);
  // Someone else's, expired or unknown: the same answer.
  if (!file) return new Response("No such export.", { status: 404 });
  return new Response(new Uint8Array(file), {
    headers: {
      "content-type": "application/json; charset=utf-8",
      "content-disposition": `attachment; filename="agora-data-${requestId}.json"`,
      "cache-control": "private, no-store",
    },
  });
}
