import { signInGate } from "@agora/auth/sign-in-gate";
import type { NextRequest } from "next/server";
import { authConfig, mayUseApp } from "./src/auth/config.ts";

// Every page needs a session that may use this app; API routes (not matched) answer 401/403.
export default function proxy(req: NextRequest) {
  return signInGate(req, authConfig(), mayUseApp);
}

export const config = {
  matcher: ["/((?!signin|api/|healthz|readyz|_next/|icon\\.svg|favicon\\.ico).*)"],
};
